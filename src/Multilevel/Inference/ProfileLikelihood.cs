using Multilevel.Inference.Internals;
using Multilevel.Models;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Inference;

/// <summary>A confidence interval for one parameter.</summary>
/// <param name="Parameter">lme4's name (<c>oldNames = FALSE</c>): <c>sd_(Intercept)|Subject</c>, <c>cor_Days.(Intercept)|Subject</c>, <c>sigma</c>, or a fixed-effect name.</param>
/// <param name="Estimate">The point estimate the interval belongs to (for profile intervals of a REML fit: the ML estimate).</param>
/// <param name="Lower">Lower limit.</param>
/// <param name="Upper">Upper limit.</param>
public sealed record ConfidenceInterval(string Parameter, double Estimate, double Lower, double Upper);

/// <summary>Settings of <see cref="ProfileLikelihood"/>. <c>default</c>: 95 %, every parameter, all cores.</summary>
public readonly record struct ProfileOptions
{
    /// <summary>Confidence level (0 → 0.95).</summary>
    public double Level { get; init; }

    /// <summary>Names of the parameters to profile (null: all, in lme4's order).</summary>
    public IReadOnlyList<string>? Parameters { get; init; }

    /// <summary>Largest number of parameters profiled at once (0: the number of cores).</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Receives (parameters done, parameters in all) as each profile finishes.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }

    /// <summary>Checked before every deviance evaluation.</summary>
    public CancellationToken CancellationToken { get; init; }

    internal double ConfidenceLevel => Level > 0 ? Level : 0.95;
}

/// <summary>The profiles behind the intervals: the intervals and any warning the profiling raised.</summary>
/// <param name="Intervals">One interval per parameter, in lme4's order: variance parameters (sd/cor per term, then σ), then fixed effects.</param>
/// <param name="BaseDeviance">The ML deviance (−2 log-likelihood) at the ML optimum the profiles start from.</param>
/// <param name="Warnings">Problems met (a lower deviance found while profiling, a profile that did not reach the level).</param>
public sealed record ProfileResult(IReadOnlyList<ConfidenceInterval> Intervals, double BaseDeviance, IReadOnlyList<string> Warnings);

/// <summary>
/// Profile-likelihood confidence intervals for a linear mixed model, as lme4's <c>confint(fit, method = "profile")</c>:
/// the likelihood is maximum likelihood (a REML fit is refitted by ML first, as lme4's <c>profile</c> does); each
/// variance parameter is profiled on the standard-deviation / correlation scale (θ = sd·chol(R)/σ) with the other
/// variance parameters and σ re-optimised (BOBYQA) and β at its conditional optimum; each fixed effect β_j is
/// profiled with θ re-optimised and the other fixed effects and σ profiled out exactly (the penalised residual sum
/// of squares with β_j held at b is r²(θ) + (b − β̂_j(θ))²/[(R_XᵀR_X)⁻¹]_jj). The endpoints are where the signed
/// root ζ = sign(x − x̂)√(d(x) − d̂) crosses ±Φ⁻¹((1 + level)/2), found by root finding (lme4 interpolates a spline
/// through its profile instead; the two agree to the precision of that spline). An endpoint whose ζ does not reach
/// the level before the parameter's bound is that bound (0 for a standard deviation, ±1 for a correlation).
/// No per-row work: every evaluation is one update of the blocked factor.
/// </summary>
public static class ProfileLikelihood
{
    /// <summary>Profile intervals of every parameter (or those named in <paramref name="options"/>).</summary>
    public static ProfileResult ConfidenceIntervals(LinearMixedModelFit fit, ProfileOptions options = default)
    {
        var context = FitContext.Create(fit);
        return ConfidenceIntervals(context, options);
    }

    internal static ProfileResult ConfidenceIntervals(FitContext context, ProfileOptions options)
    {
        var fit = context.Fit;
        var ct = options.CancellationToken;
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + options.ConfidenceLevel / 2);
        var (thetaHat, sigmaHat, baseDeviance) = context.MaximumLikelihoodOptimum(ct);
        var vp = context.Parameters;
        var vHat = vp.FromTheta(thetaHat, sigmaHat);
        var evaluator0 = context.NewEvaluator(LmmCriterion.MaximumLikelihood);
        evaluator0.Update(thetaHat);
        var betaHat = evaluator0.FixedEffects();
        int p = betaHat.Length;
        var names = vp.Names.Concat(fit.FixedEffectNames).ToArray();
        var wanted = options.Parameters is null
            ? Enumerable.Range(0, names.Length).ToArray()
            : options.Parameters.Select(n =>
            {
                int i = Array.IndexOf(names, n);
                return i >= 0 ? i : throw new ArgumentException($"no parameter '{n}' in this model; its parameters are {string.Join(", ", names)}", nameof(options));
            }).ToArray();

        // standard errors under ML for the first fixed-effect steps
        var unscaled = evaluator0.UnscaledCovariance();
        var results = new ConfidenceInterval[wanted.Length];
        var warnings = new List<string>[wanted.Length];
        int done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
        };
        Parallel.For(0, wanted.Length, parallel, () => context.NewEvaluator(LmmCriterion.MaximumLikelihood), (index, _, evaluator) =>
        {
            int w = wanted[index];
            var notes = new List<string>();
            if (w < vHat.Length)
            {
                results[index] = ProfileVarianceParameter(evaluator, vp, vHat, w, baseDeviance, z, notes, ct);
            }
            else
            {
                int j = w - vHat.Length;
                double se = sigmaHat * Math.Sqrt(unscaled[j * p + j]);
                results[index] = ProfileFixedEffect(evaluator, thetaHat, betaHat[j], se, j, names[w], baseDeviance, z, notes, ct);
            }
            warnings[index] = notes;
            int d = Interlocked.Increment(ref done);
            options.Progress?.Report((d, wanted.Length));
            return evaluator;
        }, _ => { });
        return new ProfileResult(results, baseDeviance, [.. warnings.SelectMany(x => x).Distinct()]);
    }

    private static ConfidenceInterval ProfileVarianceParameter(
        LmmEvaluator evaluator, VarianceParameters vp, double[] vHat, int w, double baseDeviance, double z, List<string> notes, CancellationToken ct)
    {
        int m = vHat.Length;
        var lowerAll = vp.Lower;
        var upperAll = vp.Upper;
        var free = Enumerable.Range(0, m).Where(i => i != w).ToArray();
        // optimise on a scale where each free parameter is of order 1
        var scale = free.Select(i => vp.IsCorrelation[i] ? 1.0 : Math.Max(Math.Abs(vHat[i]), 1e-3 * Math.Abs(vHat[^1]) + 1e-10)).ToArray();
        var lower = free.Select((i, k) => lowerAll[i] / scale[k]).ToArray();
        var upper = free.Select((i, k) => upperAll[i] / scale[k]).ToArray();
        var theta = new double[vp.ThetaCount];
        var full = new double[m];
        double Deviance(double xw, double[] y)
        {
            ct.ThrowIfCancellationRequested();
            for (int k = 0; k < free.Length; k++) full[free[k]] = y[k] * scale[k];
            full[w] = xw;
            if (!vp.TryToTheta(full, theta)) return double.PositiveInfinity;
            return evaluator.MlDeviance(theta, full[^1]);
        }

        var warm = new List<(double X, double[] Free)> { (vHat[w], free.Select((i, k) => vHat[i] / scale[k]).ToArray()) };
        var optimizer = new Bobyqa();
        var settings = new OptimizerOptions { InitialStep = 0.05, FinalStep = 1e-9, MaxEvaluations = 20_000 };
        double Zeta(double x)
        {
            // start from the solution at the nearest parameter value profiled so far
            var start = warm.MinBy(s => Math.Abs(s.X - x)).Free;
            var s0 = (double[])start.Clone();
            for (int k = 0; k < s0.Length; k++) s0[k] = Math.Min(upper[k], Math.Max(lower[k], s0[k]));
            var result = optimizer.Minimize(y => Deviance(x, y), s0, lower, upper, settings, null, ct);
            warm.Add((x, result.Final));
            return Zeta1(x, vHat[w], result.FinalObjective, baseDeviance, notes);
        }

        double step = vp.IsCorrelation[w] ? 0.05 : 0.05 * Math.Max(vHat[w], 1e-3 * vHat[^1]);
        var (lo, hi) = ProfileCurve.Interval(Zeta, vHat[w], lowerAll[w], upperAll[w], step, z);
        if (double.IsNaN(lo) || double.IsNaN(hi)) notes.Add($"the profile of {vp.Names[w]} could not be followed to the confidence level");
        return new ConfidenceInterval(vp.Names[w], vHat[w], lo, hi);
    }

    private static ConfidenceInterval ProfileFixedEffect(
        LmmEvaluator evaluator, double[] thetaHat, double estimate, double se, int j, string name, double baseDeviance, double z, List<string> notes, CancellationToken ct)
    {
        var lower = evaluator.Deviance.LowerBounds;
        var upper = Enumerable.Repeat(double.PositiveInfinity, lower.Length).ToArray();
        var warm = new List<(double X, double[] Theta)> { (estimate, (double[])thetaHat.Clone()) };
        var optimizer = new Bobyqa();
        var settings = new OptimizerOptions { InitialStep = 0.05, FinalStep = 1e-9, MaxEvaluations = 20_000 };
        double Zeta(double b)
        {
            var start = (double[])warm.MinBy(s => Math.Abs(s.X - b)).Theta.Clone();
            var result = optimizer.Minimize(t =>
            {
                ct.ThrowIfCancellationRequested();
                return evaluator.MlDevianceWithFixedEffect(t, j, b);
            }, start, lower, upper, settings, null, ct);
            warm.Add((b, result.Final));
            return Zeta1(b, estimate, result.FinalObjective, baseDeviance, notes);
        }

        var (lo, hi) = ProfileCurve.Interval(Zeta, estimate, double.NegativeInfinity, double.PositiveInfinity, 0.5 * se, z);
        if (double.IsNaN(lo) || double.IsNaN(hi)) notes.Add($"the profile of {name} could not be followed to the confidence level");
        return new ConfidenceInterval(name, estimate, lo, hi);
    }

    private static double Zeta1(double x, double estimate, double deviance, double baseDeviance, List<string> notes)
    {
        double diff = deviance - baseDeviance;
        if (diff < -1e-6)
        {
            notes.Add(FormattableString.Invariant($"profiling found a deviance {-diff:G3} below the ML optimum: the fit had not reached its optimum"));
        }
        return Math.Sign(x - estimate) * Math.Sqrt(Math.Max(0, diff));
    }
}
