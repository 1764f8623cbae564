using System.Globalization;

namespace Multilevel.Numerics;

/// <summary>How <see cref="NumericalDerivatives"/> differences a function.</summary>
public enum DifferenceMethod
{
    /// <summary>
    /// One set of differences with step h: central (±h) where the bounds allow, as lme4's <c>deriv12</c>;
    /// error O(h²).
    /// </summary>
    Central,

    /// <summary>
    /// Differences at steps h, h/v, h/v², … combined by Richardson extrapolation, as R's
    /// <c>numDeriv</c> (which lmerTest uses for Satterthwaite's degrees of freedom): the error terms in
    /// h², h⁴, … (h², h³, … for one-sided differences) are eliminated one by one.
    /// </summary>
    Richardson,
}

/// <summary>Step sizes and method of <see cref="NumericalDerivatives"/>.</summary>
/// <remarks>
/// The step of parameter i is h_i = <see cref="Step"/> when <see cref="RelativeStep"/> is false, and
/// <see cref="Step"/> × max(|x_i|, 0.1) when it is true. <c>new DifferenceOptions()</c> is lme4's
/// <c>deriv12</c> (central, h = 1e-4); <see cref="Accurate"/> is numDeriv's default Richardson scheme
/// (relative step 0.1, four steps halving each time) except near zero, where numDeriv's step falls to 1e-4
/// and ours stays at 0.01: for the one-sided differences at a bound θ = 0 that keeps second derivatives
/// accurate to about 1e-8 instead of 1e-3 (rounding errors grow as 1/h² and Richardson amplifies them).
/// </remarks>
/// <param name="Method">Central differences or Richardson extrapolation. Default central.</param>
/// <param name="Step">Step h (absolute, or relative to |x_i|). Default 1e-4.</param>
/// <param name="RelativeStep">Whether the step scales with |x_i|. Default false.</param>
/// <param name="RichardsonSteps">Richardson only: number of step sizes (≥ 2). Default 4.</param>
/// <param name="RichardsonRatio">Richardson only: ratio v between successive steps (&gt; 1). Default 2.</param>
public readonly record struct DifferenceOptions(
    DifferenceMethod Method = DifferenceMethod.Central,
    double Step = 1e-4,
    bool RelativeStep = false,
    int RichardsonSteps = 4,
    double RichardsonRatio = 2)
{
    /// <summary>lme4's <c>deriv12</c>: central differences with absolute step 1e-4.</summary>
    public DifferenceOptions()
        : this(DifferenceMethod.Central, 1e-4, false, 4, 2)
    {
    }

    /// <summary>lme4's <c>deriv12</c>: central differences with absolute step 1e-4 (the default).</summary>
    public static DifferenceOptions Lme4 => new();

    /// <summary>
    /// Richardson extrapolation over four steps 0.1 max(|x_i|, 0.1), half that, … (numDeriv's scheme), for Hessians
    /// accurate to about 1e-8 relative on smooth functions: Satterthwaite's degrees of freedom and profiles.
    /// </summary>
    public static DifferenceOptions Accurate => new(DifferenceMethod.Richardson, 0.1, true, 4, 2);
}

/// <summary>
/// A function's value, gradient and Hessian estimated by finite differences, with the number of
/// function evaluations they took. The Hessian is symmetric and column-major: element (i, j) at
/// <c>j * n + i</c>.
/// </summary>
/// <param name="Value">f(x).</param>
/// <param name="Gradient">∂f/∂x_i.</param>
/// <param name="Hessian">∂²f/∂x_i∂x_j, column-major n × n (empty when only the gradient was asked for).</param>
/// <param name="Evaluations">Function evaluations used.</param>
public sealed record DerivativeEstimate(double Value, double[] Gradient, double[] Hessian, int Evaluations)
{
    /// <summary>Number of parameters.</summary>
    public int Dimension => Gradient.Length;

    /// <summary>Element (i, j) of the Hessian.</summary>
    public double HessianAt(int i, int j) => Hessian[j * Gradient.Length + i];
}

/// <summary>
/// Gradients and Hessians of a scalar function of a few parameters by finite differences, within
/// bounds: where a central difference would leave the box [lower, upper], the parameter is differenced
/// one-sidedly (second-order forward or backward formulas) into the box, and the function is never
/// evaluated outside it. Mixed second derivatives use the product of the two parameters' first-difference
/// formulas. Deterministic: the same inputs give the same evaluations in the same order.
/// </summary>
/// <remarks>
/// Used for the convergence check of a mixed-model fit (gradient and Hessian of the deviance at θ̂, as
/// lme4's <c>checkConv</c>), GLMM standard errors (Hessian of the Laplace deviance in (θ, β), as lme4's
/// <c>use.hessian</c>), and, with <see cref="DifferenceOptions.Accurate"/>, Satterthwaite's degrees of
/// freedom and profile intervals. Central differences cost 2n evaluations for the gradient and 2n² + 1 for
/// gradient and Hessian together; Richardson extrapolation multiplies the differences by the number of
/// steps.
/// </remarks>
public static class NumericalDerivatives
{
    /// <summary>Gradient of <paramref name="f"/> at <paramref name="x"/>.</summary>
    /// <param name="f">The function (receives a fresh array each call).</param>
    /// <param name="x">Where to differentiate; must lie within the bounds.</param>
    /// <param name="options">Method and step; <c>default</c> means lme4's deriv12 settings.</param>
    /// <param name="lower">Lower bounds (null or −∞ for none).</param>
    /// <param name="upper">Upper bounds (null or +∞ for none).</param>
    /// <param name="value">f(x) if already known (saves an evaluation where one-sided differences need it).</param>
    /// <param name="cancellationToken">Checked before every evaluation.</param>
    public static DerivativeEstimate Gradient(
        Func<double[], double> f,
        double[] x,
        DifferenceOptions options = default,
        double[]? lower = null,
        double[]? upper = null,
        double? value = null,
        CancellationToken cancellationToken = default)
        => Estimate(f, x, options, lower, upper, value, hessian: false, cancellationToken);

    /// <summary>Value, gradient and Hessian of <paramref name="f"/> at <paramref name="x"/>.</summary>
    /// <inheritdoc cref="Gradient"/>
    public static DerivativeEstimate GradientAndHessian(
        Func<double[], double> f,
        double[] x,
        DifferenceOptions options = default,
        double[]? lower = null,
        double[]? upper = null,
        double? value = null,
        CancellationToken cancellationToken = default)
        => Estimate(f, x, options, lower, upper, value, hessian: true, cancellationToken);

    /// <summary>
    /// Value, gradient and Hessian of f at <paramref name="x"/>, with the evaluations handed over as one batch:
    /// <paramref name="evaluateAll"/> receives every point the differences need, in the order the one-at-a-time
    /// overload would visit them, and returns f at each (index for index). A caller can spread them over cores —
    /// GLMM standard errors take 2n² + 1 evaluations of a deviance that is expensive to evaluate.
    /// </summary>
    /// <param name="evaluateAll">f at each point (fresh arrays the callee may keep).</param>
    /// <param name="x">Where to differentiate; must lie within the bounds.</param>
    /// <param name="options">Method and step; <c>default</c> means lme4's deriv12 settings.</param>
    /// <param name="lower">Lower bounds (null or −∞ for none).</param>
    /// <param name="upper">Upper bounds (null or +∞ for none).</param>
    /// <param name="value">f(x) if already known; otherwise x is evaluated first, in a batch of its own.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    public static DerivativeEstimate GradientAndHessianInBatch(
        Func<IReadOnlyList<double[]>, double[]> evaluateAll,
        double[] x,
        DifferenceOptions options = default,
        double[]? lower = null,
        double[]? upper = null,
        double? value = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluateAll);
        return Estimate(evaluateAll, x, options, lower, upper, value, hessian: true, cancellationToken);
    }

    // A one-dimensional difference formula: offsets (multiples of h) and weights.
    private readonly record struct Stencil(int[] Offsets, double[] Weights);

    private static readonly Stencil CentralFirst = new([-1, 1], [-0.5, 0.5]);
    private static readonly Stencil ForwardFirst = new([0, 1, 2], [-1.5, 2, -0.5]);
    private static readonly Stencil BackwardFirst = new([0, -1, -2], [1.5, -2, 0.5]);
    private static readonly Stencil CentralSecond = new([-1, 0, 1], [1, -2, 1]);
    private static readonly Stencil ForwardSecond = new([0, 1, 2, 3], [2, -5, 4, -1]);
    private static readonly Stencil BackwardSecond = new([0, -1, -2, -3], [2, -5, 4, -1]);

    private enum Side
    {
        Central,
        Forward,
        Backward,
    }

    private static DerivativeEstimate Estimate(
        Func<double[], double> f,
        double[] x,
        DifferenceOptions options,
        double[]? lower,
        double[]? upper,
        double? value,
        bool hessian,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Estimate(
            points =>
            {
                var values = new double[points.Count];
                for (int k = 0; k < values.Length; k++) values[k] = Call(f, points[k], cancellationToken);
                return values;
            },
            x, options, lower, upper, value, hessian, cancellationToken);
    }

    // Two passes over the difference formulas: the first collects the points they need (each once), the batch
    // evaluates them, the second combines the values.
    private static DerivativeEstimate Estimate(
        Func<IReadOnlyList<double[]>, double[]> evaluateAll,
        double[] x,
        DifferenceOptions options,
        double[]? lower,
        double[]? upper,
        double? value,
        bool hessian,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (options == default) options = new DifferenceOptions();
        int n = x.Length;
        if ((lower is not null && lower.Length != n) || (upper is not null && upper.Length != n))
        {
            throw new ArgumentException($"x has {n} values but the bounds have {lower?.Length} and {upper?.Length}.", nameof(lower));
        }
        if (!(options.Step > 0) || !double.IsFinite(options.Step))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Step, "the difference step must be positive and finite");
        }
        bool richardson = options.Method == DifferenceMethod.Richardson;
        int levels = richardson ? options.RichardsonSteps : 1;
        if (richardson && (levels < 2 || !(options.RichardsonRatio > 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Richardson extrapolation needs at least 2 steps and a ratio above 1");
        }

        // Step and side of each parameter, chosen for the largest step so that every point is in the box.
        var h = new double[n];
        var side = new Side[n];
        for (int i = 0; i < n; i++)
        {
            double lo = lower?[i] ?? double.NegativeInfinity;
            double hi = upper?[i] ?? double.PositiveInfinity;
            if (!double.IsFinite(x[i]) || x[i] < lo || x[i] > hi)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"x[{i}] = {x[i]} lies outside its bounds [{lo}, {hi}]."), nameof(x));
            }
            if (!(hi > lo))
            {
                throw new ArgumentException($"parameter {i} is fixed by its bounds; it has no derivative.", nameof(lower));
            }
            double step = options.RelativeStep ? options.Step * Math.Max(Math.Abs(x[i]), 0.1) : options.Step;
            double down = x[i] - lo, up = hi - x[i];
            if (down >= step && up >= step)
            {
                side[i] = Side.Central;
            }
            else if (up >= down)
            {
                side[i] = Side.Forward;
                step = Math.Min(step, up / 3);
            }
            else
            {
                side[i] = Side.Backward;
                step = Math.Min(step, down / 3);
            }
            h[i] = step;
        }

        var cache = new Dictionary<(int Level, int I, int A, int J, int B), double>();
        var planned = new List<(int Level, int I, int A, int J, int B)>();
        var points = new List<double[]>();
        bool planning = true;
        int evaluations = 0;
        double fx;
        if (value is double known)
        {
            fx = known;
        }
        else
        {
            fx = Batch(evaluateAll, [(double[])x.Clone()], cancellationToken)[0];
            evaluations++;
        }

        // f at x + a h_i e_i + b h_j e_j (at step level `level`), evaluated once.
        double At(int level, int i, int a, int j, int b)
        {
            if (a == 0 && b == 0) return fx;
            if (a == 0)
            {
                (i, a, j, b) = (j, b, -1, 0);
            }
            else if (b == 0)
            {
                (j, b) = (-1, 0);
            }
            else if (j < i)
            {
                (i, a, j, b) = (j, b, i, a);
            }
            var key = (level, i, a, j, b);
            if (cache.TryGetValue(key, out double v)) return v;
            if (!planning) throw new InvalidOperationException("a difference formula asked for a point it did not plan");
            cache[key] = double.NaN;
            double scale = Math.Pow(options.RichardsonRatio, -level);
            var point = (double[])x.Clone();
            point[i] = x[i] + a * h[i] * scale;
            if (j >= 0) point[j] = x[j] + b * h[j] * scale;
            // Keep exactly within the bounds despite rounding of x + a h.
            if (lower is not null)
            {
                point[i] = Math.Max(point[i], lower[i]);
                if (j >= 0) point[j] = Math.Max(point[j], lower[j]);
            }
            if (upper is not null)
            {
                point[i] = Math.Min(point[i], upper[i]);
                if (j >= 0) point[j] = Math.Min(point[j], upper[j]);
            }
            planned.Add(key);
            points.Add(point);
            return double.NaN;
        }

        Stencil First(int i) => side[i] switch { Side.Central => CentralFirst, Side.Forward => ForwardFirst, _ => BackwardFirst };
        Stencil Second(int i) => side[i] switch { Side.Central => CentralSecond, Side.Forward => ForwardSecond, _ => BackwardSecond };

        (double[] Gradient, double[] Hessian) Combine()
        {
            var gradient = new double[n];
            var estimates = new double[levels];
            for (int i = 0; i < n; i++)
            {
                var st = First(i);
                for (int level = 0; level < levels; level++)
                {
                    double hl = h[i] * Math.Pow(options.RichardsonRatio, -level);
                    double s = 0;
                    for (int k = 0; k < st.Offsets.Length; k++) s += st.Weights[k] * At(level, i, st.Offsets[k], -1, 0);
                    estimates[level] = s / hl;
                }
                gradient[i] = Extrapolate(estimates, options.RichardsonRatio, side[i] == Side.Central);
            }

            double[] hess = [];
            if (hessian)
            {
                hess = new double[n * n];
                for (int i = 0; i < n; i++)
                {
                    var st = Second(i);
                    for (int level = 0; level < levels; level++)
                    {
                        double hl = h[i] * Math.Pow(options.RichardsonRatio, -level);
                        double s = 0;
                        for (int k = 0; k < st.Offsets.Length; k++) s += st.Weights[k] * At(level, i, st.Offsets[k], -1, 0);
                        estimates[level] = s / (hl * hl);
                    }
                    hess[i * n + i] = Extrapolate(estimates, options.RichardsonRatio, side[i] == Side.Central);
                    for (int j = i + 1; j < n; j++)
                    {
                        var si = First(i);
                        var sj = First(j);
                        for (int level = 0; level < levels; level++)
                        {
                            double scale = Math.Pow(options.RichardsonRatio, -level);
                            double s = 0;
                            for (int a = 0; a < si.Offsets.Length; a++)
                            {
                                for (int b = 0; b < sj.Offsets.Length; b++)
                                {
                                    s += si.Weights[a] * sj.Weights[b] * At(level, i, si.Offsets[a], j, sj.Offsets[b]);
                                }
                            }
                            estimates[level] = s / (h[i] * scale * h[j] * scale);
                        }
                        double hij = Extrapolate(estimates, options.RichardsonRatio, side[i] == Side.Central && side[j] == Side.Central);
                        hess[j * n + i] = hij;
                        hess[i * n + j] = hij;
                    }
                }
            }
            return (gradient, hess);
        }

        Combine();
        var values = Batch(evaluateAll, points, cancellationToken);
        for (int k = 0; k < planned.Count; k++) cache[planned[k]] = values[k];
        evaluations += planned.Count;
        planning = false;
        var (grad, hes) = Combine();
        return new DerivativeEstimate(fx, grad, hes, evaluations);
    }

    /// <summary>
    /// Richardson extrapolation of estimates at steps h, h/v, h/v², …: eliminates error terms in h², h⁴, …
    /// (even expansions of central differences) or h², h³, … (one-sided differences) in turn.
    /// </summary>
    private static double Extrapolate(double[] estimates, double ratio, bool even)
    {
        int levels = estimates.Length;
        if (levels == 1) return estimates[0];
        var a = (double[])estimates.Clone();
        for (int stage = 1; stage < levels; stage++)
        {
            int power = even ? 2 * stage : stage + 1;
            double factor = Math.Pow(ratio, power);
            for (int r = 0; r < levels - stage; r++) a[r] = (factor * a[r + 1] - a[r]) / (factor - 1);
        }
        return a[0];
    }

    private static double[] Batch(Func<IReadOnlyList<double[]>, double[]> evaluateAll, List<double[]> points, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = evaluateAll(points);
        if (values is null || values.Length != points.Count)
        {
            throw new InvalidOperationException($"the batch evaluation returned {values?.Length ?? 0} values for {points.Count} points");
        }
        return values;
    }

    private static double Call(Func<double[], double> f, double[] point, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return f((double[])point.Clone());
    }
}
