using System.Runtime.CompilerServices;
using Multilevel.Models.Internals;

namespace Multilevel.Models;

/// <summary>
/// The profiled deviance (ML) or REML criterion of a linear mixed model as a function of θ alone — lme4's
/// <c>devfun</c>, a value that optimisers, profiling and the bootstrap can call. It holds only the Gram matrix
/// A and its blocked factor L: an evaluation costs the same whatever the number of rows.
/// <para>
/// ML:   d(θ) = log|L_Z|² − Σ log wᵢ + n (1 + log(2π r²/n));
/// REML: d(θ) = log|L_Z|² + log|R_X|² − Σ log wᵢ + (n − p)(1 + log(2π r²/(n − p))),
/// where L_Z L_Zᵀ = ΛᵀZᵀWZΛ + I, R_X is the Cholesky factor of the fixed-effects Schur complement and r² the
/// penalised weighted residual sum of squares (the square of the last diagonal element of L).
/// </para>
/// An instance is not safe for concurrent evaluation; use <see cref="Clone"/> for one per thread.
/// </summary>
public sealed class ProfiledDeviance
{
    private readonly ThetaMap _map;
    private readonly BlockedFactor _factor;
    private readonly double[] _lastTheta;
    private bool _valid;
    private readonly bool _forceSupernodal;

    private ProfiledDeviance(GramMatrix gram, LmmCriterion criterion, bool forceSupernodal = false)
    {
        Gram = gram;
        Criterion = criterion;
        _forceSupernodal = forceSupernodal;
        _map = new ThetaMap([.. gram.Layout.Terms.Select(t => t.Q)]);
        _factor = new BlockedFactor(gram, _map, forceSupernodal);
        _lastTheta = new double[_map.Count];
    }

    /// <summary>Creates the deviance function of a Gram matrix.</summary>
    public static ProfiledDeviance Create(GramMatrix gram, LmmCriterion criterion) => Create(gram, criterion, false);

    /// <summary>Creates the deviance function; <paramref name="forceSupernodal"/> holds filled-in blocks in the
    /// supernodal factor whatever their size (tests).</summary>
    internal static ProfiledDeviance Create(GramMatrix gram, LmmCriterion criterion, bool forceSupernodal)
    {
        ArgumentNullException.ThrowIfNull(gram);
        if (gram.Layout.TermCount == 0)
        {
            throw new ModelSpecificationException("the model has no random-effects terms: use an OLS fit (mlm fit without a '( … | group)' term)");
        }
        long n = gram.Observations;
        int p = gram.Layout.FixedEffectCount;
        if (n <= (criterion == LmmCriterion.Reml ? p : 0))
        {
            throw new ModelSpecificationException($"{n} observations are too few for {p} fixed effects");
        }
        return new ProfiledDeviance(gram, criterion, forceSupernodal);
    }

    /// <summary>The Gram matrix the function is built on.</summary>
    public GramMatrix Gram { get; }

    /// <summary>REML or ML.</summary>
    public LmmCriterion Criterion { get; }

    /// <summary>Number of elements of θ.</summary>
    public int ThetaCount => _map.Count;

    /// <summary>Lower bounds of θ: 0 for diagonal elements of each λ, −∞ otherwise (upper bounds are +∞).</summary>
    public double[] LowerBounds => (double[])_map.Lower.Clone();

    /// <summary>lme4's starting value: 1 for diagonal elements of each λ, 0 otherwise.</summary>
    public double[] InitialTheta => (double[])_map.Start.Clone();

    /// <summary>Whether each element of θ lies on the diagonal of its λ (those have lower bound 0).</summary>
    public bool[] DiagonalElements => (bool[])_map.IsDiagonal.Clone();

    /// <summary>Number of evaluations so far.</summary>
    public int Evaluations { get; private set; }

    /// <summary>Describes the storage kind chosen for each block of L (e.g. whether crossed factors fill in).</summary>
    public string FactorStructure => _factor.DescribeStructure();

    internal ThetaMap Map => _map;

    internal BlockedFactor Factor => _factor;

    /// <summary>The θ of the last evaluation.</summary>
    internal ReadOnlySpan<double> LastTheta => _lastTheta;

    /// <summary>Evaluates the criterion at θ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<double> theta)
    {
        if (theta.Length != _map.Count) throw new ArgumentException($"θ has {theta.Length} elements, expected {_map.Count}", nameof(theta));
        Evaluations++;
        theta.CopyTo(_lastTheta);
        _valid = _factor.Update(theta, full: false);
        if (!_valid)
        {
            throw new ModelSpecificationException(
                "the fixed-effects part of the model is not of full rank at this θ (a pivot of R_X is not positive): check for collinear predictors");
        }
        return Compose(_factor.LogDeterminantZ, _factor.LogDeterminantX, _factor.Ryy);
    }

    /// <summary>Evaluates at θ computing every block of L (for the solves after the optimum).</summary>
    internal double EvaluateFull(ReadOnlySpan<double> theta)
    {
        if (theta.Length != _map.Count) throw new ArgumentException($"θ has {theta.Length} elements, expected {_map.Count}", nameof(theta));
        Evaluations++;
        theta.CopyTo(_lastTheta);
        _valid = _factor.Update(theta, full: true);
        if (!_valid)
        {
            throw new ModelSpecificationException(
                "the fixed-effects part of the model is not of full rank at this θ (a pivot of R_X is not positive): check for collinear predictors");
        }
        return Compose(_factor.LogDeterminantZ, _factor.LogDeterminantX, _factor.Ryy);
    }

    /// <summary>The function as a delegate (for optimisers).</summary>
    public Func<double[], double> AsFunction() => theta => Evaluate(theta);

    /// <summary>A fresh, independent copy sharing the (immutable) Gram matrix.</summary>
    public ProfiledDeviance Clone() => new(Gram, Criterion, _forceSupernodal);

    /// <summary>The penalised weighted residual sum of squares r² at the last evaluation.</summary>
    public double PenalizedResidualSumOfSquares => _factor.Ryy * _factor.Ryy;

    /// <summary>log|L_Z|² at the last evaluation.</summary>
    public double LogDeterminantZ => _factor.LogDeterminantZ;

    /// <summary>log|R_X|² at the last evaluation.</summary>
    public double LogDeterminantX => _factor.LogDeterminantX;

    internal bool IsCurrent(ReadOnlySpan<double> theta) => _valid && theta.SequenceEqual(_lastTheta);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Compose(double logDetZ, double logDetX, double ryy)
    {
        double n = Gram.Observations;
        double r2 = ryy * ryy;
        if (Criterion == LmmCriterion.MaximumLikelihood)
        {
            return logDetZ - Gram.SumLogWeights + n * (1 + Math.Log(2 * Math.PI * r2 / n));
        }
        double nmp = n - Gram.Layout.FixedEffectCount;
        return logDetZ + logDetX - Gram.SumLogWeights + nmp * (1 + Math.Log(2 * Math.PI * r2 / nmp));
    }
}
