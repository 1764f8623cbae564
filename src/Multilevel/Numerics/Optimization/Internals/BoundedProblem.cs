using System.Globalization;

namespace Multilevel.Numerics.Optimization.Internals;

/// <summary>
/// A box-constrained minimisation as the algorithms see it: only the free parameters (those whose
/// bounds differ), every evaluation counted, the best point kept, cancellation checked before each
/// evaluation and progress reported when the best value improves. Non-finite values after the start
/// are replaced by a finite "barrier" value above every finite value seen so far, so that the
/// algorithms' models stay finite.
/// </summary>
internal sealed class BoundedProblem
{
    private readonly Func<double[], double> objective;
    private readonly double[] template;
    private readonly int[] freeIndex;
    private readonly IProgress<OptimizerProgress>? progress;
    private readonly CancellationToken cancellationToken;
    private double worstFinite = double.NegativeInfinity;

    private BoundedProblem(
        Func<double[], double> objective,
        double[] template,
        int[] freeIndex,
        double[] lower,
        double[] upper,
        double[] start,
        int maxEvaluations,
        IProgress<OptimizerProgress>? progress,
        CancellationToken cancellationToken)
    {
        this.objective = objective;
        this.template = template;
        this.freeIndex = freeIndex;
        Lower = lower;
        Upper = upper;
        Start = start;
        MaxEvaluations = maxEvaluations;
        this.progress = progress;
        this.cancellationToken = cancellationToken;
        BestPoint = (double[])start.Clone();
    }

    /// <summary>Number of free parameters.</summary>
    public int Dimension => freeIndex.Length;

    /// <summary>Lower bounds of the free parameters.</summary>
    public double[] Lower { get; }

    /// <summary>Upper bounds of the free parameters.</summary>
    public double[] Upper { get; }

    /// <summary>Start values of the free parameters.</summary>
    public double[] Start { get; }

    /// <summary>Evaluation limit.</summary>
    public int MaxEvaluations { get; }

    /// <summary>Evaluations so far.</summary>
    public int Evaluations { get; private set; }

    /// <summary>True when no further evaluation is allowed.</summary>
    public bool Exhausted => Evaluations >= MaxEvaluations;

    /// <summary>Lowest finite value so far (+∞ before any).</summary>
    public double BestValue { get; private set; } = double.PositiveInfinity;

    /// <summary>Free parameters at <see cref="BestValue"/>.</summary>
    public double[] BestPoint { get; private set; }

    /// <summary>Validates the arguments of <see cref="IBoundedOptimizer.Minimize"/> and removes fixed parameters.</summary>
    public static BoundedProblem Create(
        Func<double[], double> objective,
        double[] start,
        double[] lower,
        double[] upper,
        int maxEvaluations,
        IProgress<OptimizerProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        int n = start.Length;
        if (lower.Length != n || upper.Length != n)
        {
            throw new ArgumentException(
                $"start, lower and upper must have the same length (got {n}, {lower.Length} and {upper.Length}).",
                nameof(lower));
        }
        var free = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(lower[i]) || double.IsNaN(upper[i]))
            {
                throw new ArgumentException($"bound {i} is NaN; use ±∞ for no bound.", nameof(lower));
            }
            if (lower[i] > upper[i])
            {
                throw new ArgumentException(
                    $"lower bound {Fmt(lower[i])} of parameter {i} exceeds its upper bound {Fmt(upper[i])}.",
                    nameof(lower));
            }
            if (!double.IsFinite(start[i]) || start[i] < lower[i] || start[i] > upper[i])
            {
                throw new ArgumentException(
                    $"start value {Fmt(start[i])} of parameter {i} lies outside its bounds [{Fmt(lower[i])}, {Fmt(upper[i])}].",
                    nameof(start));
            }
            if (lower[i] < upper[i]) free.Add(i);
        }
        int[] idx = free.ToArray();
        var lo = new double[idx.Length];
        var hi = new double[idx.Length];
        var x0 = new double[idx.Length];
        for (int k = 0; k < idx.Length; k++)
        {
            lo[k] = lower[idx[k]];
            hi[k] = upper[idx[k]];
            x0[k] = start[idx[k]];
        }
        return new BoundedProblem(objective, (double[])start.Clone(), idx, lo, hi, x0,
            maxEvaluations, progress, cancellationToken);
    }

    /// <summary>The full parameter vector for free parameters <paramref name="x"/> (clamped to the bounds).</summary>
    public double[] ToFull(ReadOnlySpan<double> x)
    {
        var arg = (double[])template.Clone();
        for (int k = 0; k < freeIndex.Length; k++) arg[freeIndex[k]] = Math.Clamp(x[k], Lower[k], Upper[k]);
        return arg;
    }

    /// <summary>
    /// Evaluates the objective at free parameters <paramref name="x"/> (clamped to the bounds). Returns the
    /// value, or the barrier value when it is not finite (<paramref name="finite"/> tells which).
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> x, out bool finite)
    {
        cancellationToken.ThrowIfCancellationRequested();
        double[] arg = ToFull(x);
        double f = objective(arg);
        Evaluations++;
        finite = double.IsFinite(f);
        if (!finite) return Barrier();
        if (f > worstFinite) worstFinite = f;
        if (f < BestValue)
        {
            BestValue = f;
            var best = new double[freeIndex.Length];
            for (int k = 0; k < best.Length; k++) best[k] = arg[freeIndex[k]];
            BestPoint = best;
            progress?.Report(new OptimizerProgress(Evaluations, f));
        }
        return f;
    }

    /// <summary>Evaluates the objective, replacing a non-finite value by the barrier value.</summary>
    public double Evaluate(ReadOnlySpan<double> x) => Evaluate(x, out _);

    private double Barrier()
    {
        if (double.IsPositiveInfinity(BestValue)) return double.MaxValue / 4;
        double spread = Math.Max(worstFinite - BestValue, 1e-3 * Math.Max(1.0, Math.Abs(BestValue)));
        return worstFinite + 10 * spread;
    }

    /// <summary>
    /// After convergence: tries the best point with every parameter that lies within <paramref name="tolerance"/>
    /// of a bound placed on that bound (one evaluation), and keeps it if its value is not higher. An optimiser
    /// cannot resolve distances below its final step, so a minimum on a bound (a singular fit, θ = 0) otherwise
    /// ends a fraction of that step inside.
    /// </summary>
    /// <returns>True when the point on the bounds was kept.</returns>
    public bool TrySnapToBounds(double tolerance)
    {
        if (Exhausted || !double.IsFinite(BestValue)) return false;
        var x = (double[])BestPoint.Clone();
        bool any = false;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > Lower[i] && x[i] - Lower[i] <= tolerance)
            {
                x[i] = Lower[i];
                any = true;
            }
            else if (x[i] < Upper[i] && Upper[i] - x[i] <= tolerance)
            {
                x[i] = Upper[i];
                any = true;
            }
        }
        if (!any) return false;
        double best = BestValue;
        double f = Evaluate(x, out bool finite);
        if (!finite || f > best) return false;
        BestValue = f;
        BestPoint = x;
        return true;
    }

    /// <summary>Builds the summary of a run from the best point found.</summary>
    public OptSummary Summarise(string optimizer, double[] fullStart, double initialObjective, OptimizerReturnCode code, string message)
    {
        double[] final = ToFull(BestPoint);
        double fmin = double.IsFinite(BestValue) ? BestValue : initialObjective;
        return new OptSummary(optimizer, (double[])fullStart.Clone(), final, initialObjective, fmin, Evaluations, code, message);
    }

    internal static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
