using System.Runtime.CompilerServices;
using System.Globalization;
using Multilevel.Design;
using Multilevel.Models.Internals;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// Penalised iteratively reweighted least squares on the blocked Cholesky factor: at fixed θ (and, unless
/// <see cref="Joint"/>, fixed β) finds the conditional modes ũ that minimise the penalised deviance
/// Σ devᵢ(μ(η)) + ‖u‖², η = offset + Xβ + ZΛ(θ)u. Each iteration computes the working weights and working
/// response at the current η, rebuilds the Gram blocks of [Z X ζ] (or [Z ζ]) from the rows, factors
/// Λᵀ ZᵀWZ Λ + I in place and solves the penalised least-squares problem, whose solution is the Fisher-scoring
/// (for canonical links Newton) step. The step is halved while it does not lower the penalised deviance.
/// <para>
/// With <see cref="Joint"/> β is a variable as well (lme4's nAGQ = 0 stage). Convergence is declared when the
/// next step would move no coordinate by more than <c>tolerance × (1 + |value|)</c>, or when below 1e-9 the steps
/// stop shrinking (the rounding floor); then the factor holds the weights at the final modes, so log|L|² is that
/// of the Laplace approximation at ũ. The tight default tolerance (1e-12) makes the deviance smooth enough for
/// finite-difference Hessians, also for non-canonical links, where Fisher scoring converges only linearly.
/// </para>
/// The state (u, β) is kept between runs: each run starts from the previous modes (a warm start).
/// </summary>
internal sealed class Pirls
{
    private const double LooseTolerance = 1e-6;
    private const double StagnationLevel = 1e-9;

    private readonly GlmmRows _rows;
    private readonly IReadOnlyList<ReTerm> _terms;
    private readonly FixedEffectsMatrix _x;
    private readonly ThetaMap _map;
    private readonly WeightedGram _gram;
    private readonly BlockedFactor _factor;
    private readonly int _n;
    private readonly int _p;
    private readonly double[][] _lambda;
    private readonly double[][] _b;
    private readonly double[] _theta;
    private readonly double[] _etaFixed;
    private readonly double[] _w;
    private readonly double[] _r;
    private readonly double[] _zeta;
    private readonly double[] _etaTarget;
    private readonly double[] _etaCandidate;
    private double[] _mu;
    private double[] _muEta;
    private double[] _muCandidate;
    private double[] _muEtaCandidate;
    private readonly double[][] _uCandidate;
    private readonly double[] _betaCandidate;

    public Pirls(GlmmRows rows, IReadOnlyList<ReTerm> terms, FixedEffectsMatrix x, ThetaMap map, bool joint, double tolerance, int maxIterations)
    {
        _rows = rows;
        _terms = terms;
        _x = x;
        _map = map;
        Joint = joint;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
        _n = rows.Count;
        _p = x.Columns;
        _gram = new WeightedGram(terms, joint ? x : null, rows.Weights);
        _factor = new BlockedFactor(_gram.Gram, map);
        _lambda = [.. terms.Select(t => new double[t.Q * t.Q])];
        _b = [.. terms.Select(t => new double[t.LevelCount * t.Q])];
        U = [.. terms.Select(t => new double[t.LevelCount * t.Q])];
        _uCandidate = [.. terms.Select(t => new double[t.LevelCount * t.Q])];
        Beta = new double[_p];
        _betaCandidate = new double[_p];
        _theta = new double[map.Count];
        Eta = new double[_n];
        _etaFixed = new double[_n];
        _w = new double[_n];
        _r = new double[_n];
        _zeta = new double[_n];
        _etaTarget = new double[_n];
        _etaCandidate = new double[_n];
        _mu = new double[_n];
        _muEta = new double[_n];
        _muCandidate = new double[_n];
        _muEtaCandidate = new double[_n];
    }

    /// <summary>True when β is solved for together with u (nAGQ = 0); false when β is held fixed.</summary>
    public bool Joint { get; }

    public double Tolerance { get; }

    public int MaxIterations { get; }

    /// <summary>Spherical modes u per term (level-major, q per level).</summary>
    public double[][] U { get; }

    /// <summary>Fixed effects β (solved for when <see cref="Joint"/>, else the given ones).</summary>
    public double[] Beta { get; }

    /// <summary>Linear predictor η = offset + Xβ + ZΛu at the current modes.</summary>
    public double[] Eta { get; }

    /// <summary>The factor L of Λᵀ ZᵀWZ Λ + I (and R_X when joint) at the weights of the current modes.</summary>
    public BlockedFactor Factor => _factor;

    /// <summary>The shape of the system: the terms, and p fixed effects when joint (else 0).</summary>
    public GramLayout Layout => _gram.Gram.Layout;

    /// <summary>(R_XᵀR_X)⁻¹ from the factor (joint systems only).</summary>
    public double[] UnscaledCovariance() => PlsSolution.UnscaledCovariance(_factor, _gram.FixedEffectCount);

    /// <summary>The q × q diagonal blocks of (L_Z L_Zᵀ)⁻¹ of a term (conditional variances before scaling by Λ).</summary>
    public double[] InverseDiagonalBlocks(int term) => PlsSolution.InverseDiagonalBlocks(_factor, _map, Layout, term);

    /// <summary>λₖ of the current θ.</summary>
    public double[] Lambda(int term) => _lambda[term];

    /// <summary>Σ devᵢ at the current modes.</summary>
    public double Deviance { get; private set; }

    /// <summary>‖u‖² at the current modes.</summary>
    public double Penalty { get; private set; }

    /// <summary>log|L_Z|² at the current modes.</summary>
    public double LogDeterminant => _factor.LogDeterminantZ;

    /// <summary>PIRLS iterations over all runs.</summary>
    public int TotalIterations { get; private set; }

    /// <summary>Step halvings over all runs.</summary>
    public int TotalHalvings { get; private set; }

    /// <summary>Iterations of the last run.</summary>
    public int LastIterations { get; private set; }

    /// <summary>The Laplace approximation C + Σ dev + ‖u‖² + log|L_Z|² at the current modes.</summary>
    public double Laplace => _rows.Constant + Deviance + Penalty + LogDeterminant;

    /// <summary>Resets the modes to u = 0 and β to the given values (the start of a fit).</summary>
    public void Reset(ReadOnlySpan<double> beta)
    {
        foreach (var u in U) Array.Clear(u);
        beta.CopyTo(Beta);
    }

    /// <summary>Runs PIRLS at θ (β: the current <see cref="Beta"/> when joint, else <paramref name="beta"/>).</summary>
    /// <exception cref="PirlsException">PIRLS did not converge or step-halving could not lower the penalised deviance.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        theta.CopyTo(_theta);
        for (int k = 0; k < _terms.Count; k++) _map.FillLambda(k, theta, _lambda[k]);
        if (!Joint) beta.CopyTo(Beta);
        ComputeFixedPart(Beta, _etaFixed);
        AddRandomPart(U, _etaFixed, Eta);
        Deviance = _rows.Deviance(Eta, _mu, _muEta);
        Penalty = SumOfSquares(U);
        double pwrss = Deviance + Penalty;
        if (!double.IsFinite(pwrss))
        {
            // a warm start can be unusable at a very different θ: start again from u = 0
            foreach (var u in U) Array.Clear(u);
            AddRandomPart(U, _etaFixed, Eta);
            Deviance = _rows.Deviance(Eta, _mu, _muEta);
            Penalty = 0;
            pwrss = Deviance;
            if (!double.IsFinite(pwrss)) throw Failure("the penalised deviance is not finite at the start", 0);
        }

        double size = double.PositiveInfinity;
        double lastDecrease = double.PositiveInfinity;
        int it;
        for (it = 1; it <= MaxIterations; it++)
        {
            Reweight();
            var (betaTarget, uTarget) = Solve();
            double previous = size;
            size = StepSize(uTarget, betaTarget);
            // converged; or at the rounding floor, where the steps stop shrinking; or, after many iterations, the
            // penalised deviance no longer changes while a coefficient runs off (separation accepted as a warning)
            if (size <= Tolerance || (size < StagnationLevel && size > 0.5 * previous)
                || (it > 20 && lastDecrease <= 1e-12 * (1 + Math.Abs(pwrss)))) break;

            ComposeEta(uTarget, betaTarget, _etaTarget);
            double s = 1;
            bool accepted = false;
            double dev = 0, pen = 0;
            double slack = 1e-12 * Math.Abs(pwrss);
            for (int h = 0; h <= 30; h++)
            {
                for (int i = 0; i < _n; i++) _etaCandidate[i] = s == 1 ? _etaTarget[i] : Eta[i] + s * (_etaTarget[i] - Eta[i]);
                pen = 0;
                for (int k = 0; k < U.Length; k++)
                {
                    var u = U[k];
                    var ut = uTarget[k];
                    var uc = _uCandidate[k];
                    for (int j = 0; j < u.Length; j++)
                    {
                        double v = s == 1 ? ut[j] : u[j] + s * (ut[j] - u[j]);
                        uc[j] = v;
                        pen += v * v;
                    }
                }
                dev = _rows.Deviance(_etaCandidate, _muCandidate, _muEtaCandidate);
                if (dev + pen <= pwrss + slack)
                {
                    accepted = true;
                    break;
                }
                s *= 0.5;
                TotalHalvings++;
            }
            if (!accepted)
            {
                // at the rounding floor a full step cannot lower the deviance: the modes are as good as they get
                if (size < LooseTolerance) break;
                throw Failure("step-halving failed to reduce the penalised deviance", it);
            }
            for (int k = 0; k < U.Length; k++) _uCandidate[k].CopyTo(U[k], 0);
            if (Joint)
            {
                for (int j = 0; j < _p; j++) Beta[j] += s * (betaTarget[j] - Beta[j]);
                ComputeFixedPart(Beta, _etaFixed);
            }
            _etaCandidate.CopyTo(Eta, 0);
            (_mu, _muCandidate) = (_muCandidate, _mu);
            (_muEta, _muEtaCandidate) = (_muEtaCandidate, _muEta);
            Deviance = dev;
            Penalty = pen;
            lastDecrease = pwrss - (dev + pen);
            pwrss = dev + pen;
        }
        int used = Math.Min(it, MaxIterations);
        LastIterations = used;
        TotalIterations += used;
        if (it > MaxIterations)
        {
            if (!(size < LooseTolerance)) throw Failure(string.Create(CultureInfo.InvariantCulture, $"it did not converge in {MaxIterations} iteration{(MaxIterations == 1 ? "" : "s")} (the last step moved the modes by {size:G3}, relative)"), 0);
            Reweight();
        }
    }

    /// <summary>
    /// Factors the system at θ with the working weights of the linear predictor <paramref name="eta"/>, without
    /// iterating (for R_X at the modes of another PIRLS run). The modes held are not changed.
    /// </summary>
    public void FactorAt(ReadOnlySpan<double> theta, ReadOnlySpan<double> eta)
    {
        theta.CopyTo(_theta);
        for (int k = 0; k < _terms.Count; k++) _map.FillLambda(k, theta, _lambda[k]);
        ComputeFixedPart(Beta, _etaFixed);
        eta.CopyTo(Eta);
        _rows.Deviance(Eta, _mu, _muEta);
        Reweight();
        // the held modes no longer match Eta: recompute it so that the next run starts consistently
        AddRandomPart(U, _etaFixed, Eta);
        Deviance = _rows.Deviance(Eta, _mu, _muEta);
    }

    /// <summary>Working weights and response at the current η, Gram blocks, factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reweight()
    {
        _rows.WorkingWeights(_mu, _muEta, _w, _r);
        var off = Joint ? _rows.Offset : _etaFixed;
        var wt = _rows.Weights;
        for (int i = 0; i < _n; i++) _zeta[i] = wt[i] > 0 ? Eta[i] - off[i] + _r[i] : 0;
        _gram.Accumulate(_w, _zeta);
        if (!_factor.Update(_theta))
        {
            throw new PirlsException(
                "PIRLS: the fixed-effects part of the weighted system is not of full rank (a pivot of R_X is not positive): check for collinear predictors or separation",
                _theta, Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double[] Beta, double[][] U) Solve()
    {
        var beta = Joint ? PlsSolution.FixedEffects(_factor, _p) : [];
        var u = PlsSolution.SphericalModes(_factor, beta, Layout);
        return (Joint ? beta : Beta, u);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double StepSize(double[][] uTarget, double[] betaTarget)
    {
        double size = 0;
        for (int k = 0; k < U.Length; k++)
        {
            var u = U[k];
            var ut = uTarget[k];
            for (int j = 0; j < u.Length; j++) size = Math.Max(size, Math.Abs(ut[j] - u[j]) / (1 + Math.Abs(u[j])));
        }
        if (Joint)
        {
            for (int j = 0; j < _p; j++) size = Math.Max(size, Math.Abs(betaTarget[j] - Beta[j]) / (1 + Math.Abs(Beta[j])));
        }
        return double.IsNaN(size) ? double.PositiveInfinity : size;
    }

    /// <summary>η for given modes and β.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComposeEta(double[][] u, double[] beta, double[] eta)
    {
        if (Joint)
        {
            ComputeFixedPart(beta, eta);
            AddRandomPart(u, eta, eta);
        }
        else
        {
            AddRandomPart(u, _etaFixed, eta);
        }
    }

    /// <summary>result = offset + Xβ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeFixedPart(ReadOnlySpan<double> beta, double[] result)
    {
        var r = result.AsSpan(0, _n);
        _rows.Offset.AsSpan(0, _n).CopyTo(r);
        for (int j = 0; j < _p; j++)
        {
            double bj = beta[j];
            if (bj != 0) Numerics.Internals.VectorOps.Axpy(bj, _x.Column(j), r);
        }
    }

    /// <summary>result = baseline + Z Λ u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddRandomPart(double[][] u, double[] baseline, double[] result)
    {
        if (!ReferenceEquals(baseline, result)) baseline.CopyTo(result, 0);
        for (int k = 0; k < _terms.Count; k++)
        {
            var term = _terms[k];
            int q = term.Q;
            var lam = _lambda[k];
            var b = _b[k];
            var uk = u[k];
            int levels = term.LevelCount;
            for (int g = 0; g < levels; g++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int c = 0; c <= r; c++) s += lam[c * q + r] * uk[g * q + c];
                    b[g * q + r] = s;
                }
            }
            var codes = term.UnsafeCodes;
            var z = term.UnsafeZ;
            if (q == 1)
            {
                for (int i = 0; i < _n; i++) result[i] += z[i] * b[codes[i]];
            }
            else
            {
                for (int i = 0; i < _n; i++)
                {
                    int g = codes[i];
                    double s = 0;
                    for (int c = 0; c < q; c++) s += z[i * q + c] * b[g * q + c];
                    result[i] += s;
                }
            }
        }
    }

    /// <summary>Conditional modes b = Λu per term (level-major).</summary>
    public double[][] ConditionalModes()
    {
        var result = new double[_terms.Count][];
        for (int k = 0; k < _terms.Count; k++)
        {
            int q = _terms[k].Q;
            var lam = _lambda[k];
            var uk = U[k];
            var b = new double[uk.Length];
            for (int g = 0; g < uk.Length / q; g++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int c = 0; c <= r; c++) s += lam[c * q + r] * uk[g * q + c];
                    b[g * q + r] = s;
                }
            }
            result[k] = b;
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumOfSquares(double[][] u)
    {
        double s = 0;
        foreach (var v in u)
        {
            foreach (double x in v) s += x * x;
        }
        return s;
    }

    private PirlsException Failure(string what, int iterations) =>
        new($"PIRLS (penalised iteratively reweighted least squares for the conditional modes): {what}" +
            (iterations > 0 ? string.Create(CultureInfo.InvariantCulture, $" after {iterations} iteration{(iterations == 1 ? "" : "s")}") : "") +
            $" at θ = ({Format(_theta)}){(Joint || _p == 0 ? "" : $", β = ({Format(Beta)})")}. " +
            "This happens when the data nearly separate the outcomes within groups or the model is too rich for the data: " +
            "check for groups whose responses are all 0 or all 1 (or counts all 0), simplify the random effects, or rescale predictors.",
            _theta, Beta);

    private static string Format(ReadOnlySpan<double> v)
    {
        var parts = new string[v.Length];
        for (int i = 0; i < v.Length; i++) parts[i] = v[i].ToString("G6", CultureInfo.InvariantCulture);
        return string.Join(", ", parts);
    }
}
