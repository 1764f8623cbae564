using System.Diagnostics;
using Multilevel.Inference.Internals;
using Multilevel.Models;
using Multilevel.Models.Internals;
using Multilevel.Simulation;

namespace Multilevel.Inference;

/// <summary>Settings of <see cref="ParametricBootstrap"/>. <c>default</c>: 1,000 replicates, seed 1, all cores.</summary>
public readonly record struct BootstrapOptions
{
    /// <summary>Number of replicates (0 → 1,000).</summary>
    public int Replicates { get; init; }

    /// <summary>The seed: replicate r draws from stream r of this seed, so results do not depend on the number of threads.</summary>
    public ulong Seed { get; init; }

    /// <summary>Largest number of replicates refitted at once (0: the number of cores).</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Receives (replicates done, replicates in all) about a hundred times during the run.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }

    /// <summary>Cancels the run (checked before every deviance evaluation).</summary>
    public CancellationToken CancellationToken { get; init; }

    internal int ReplicateCount => Replicates > 0 ? Replicates : 1000;

    internal ulong SeedValue => Seed == 0 ? 1UL : Seed;
}

/// <summary>
/// The parametric bootstrap of a linear mixed model (lme4's <c>bootMer</c> with new random effects, as used by
/// <c>confint(method = "boot")</c>): each replicate draws y* from the fitted model, refits it by the fit's criterion from
/// θ̂, and records the parameters (sd/cor per term, σ, fixed effects) and the ICC and Nakagawa R² of the refit.
/// A refit reuses the Gram matrix of the design: only the blocks that depend on y are recomputed (one pass over y),
/// then the optimiser works on the blocked factor alone. Replicates run in parallel, each with its own random
/// stream (<see cref="RandomStream.ForStream"/>), so the result is the same whatever the number of threads.
/// </summary>
public static class ParametricBootstrap
{
    /// <summary>Runs the bootstrap.</summary>
    public static BootstrapResult Run(LinearMixedModelFit fit, BootstrapOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var context = FitContext.Create(fit);
        return Run(context, options);
    }

    internal static BootstrapResult Run(FitContext context, BootstrapOptions options)
    {
        var fit = context.Fit;
        var design = fit.Design;
        var vp = context.Parameters;
        var ct = options.CancellationToken;
        int replicates = options.ReplicateCount;
        ulong seed = options.SeedValue;
        var simulator = LinearMixedModelSimulator.FromFit(fit);
        var fixedNames = new HashSet<string>(fit.FixedEffectNames, StringComparer.Ordinal) { "(Intercept)" };
        var moments = TermMoments.Compute(design, [.. design.RandomEffects.Select(t => t.ColumnNames.Select(fixedNames.Contains).ToArray())]);
        var names = vp.Names.Concat(fit.FixedEffectNames).Concat(["icc_adjusted", "icc_conditional", "r2_marginal", "r2_conditional"]).ToArray();
        var estimates = Statistics(fit.Theta, fit.Sigma, fit.FixedEffects, vp, design, moments);
        int m = names.Length;
        var values = new double[replicates * m];
        var failed = new bool[replicates];
        int done = 0;
        int reportEvery = Math.Max(1, replicates / 100);
        var parallel = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
        };
        var fitOptions = new LinearMixedModelOptions { Criterion = fit.Criterion, StartTheta = fit.Theta, SkipConvergenceCheck = true, CancellationToken = ct };
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, replicates, parallel, () => new Worker(context, design.Observations), (r, _, worker) =>
        {
            var random = RandomStream.ForStream(seed, (ulong)r);
            simulator.Simulate(random, worker.Response);
            worker.Gram.SetResponse(worker.Response);
            var row = values.AsSpan(r * m, m);
            try
            {
                // a new factor for each response (a factor may precompute products of the Gram blocks when built)
                var deviance = ProfiledDeviance.Create(worker.Gram.Gram, fit.Criterion);
                var optimum = LinearMixedModel.Optimize(deviance, fitOptions);
                var theta = optimum.Final;
                deviance.EvaluateFull(theta);
                double n = deviance.Gram.Observations;
                double r2 = deviance.PenalizedResidualSumOfSquares;
                double sigma = Math.Sqrt(r2 / (fit.Criterion == LmmCriterion.Reml ? n - design.X.Columns : n));
                var beta = PlsSolution.FixedEffects(deviance.Factor, design.X.Columns);
                Statistics(theta, sigma, beta, vp, design, moments).CopyTo(row);
            }
            catch (MultilevelException)
            {
                row.Fill(double.NaN);
                failed[r] = true;
            }
            int d = Interlocked.Increment(ref done);
            if (options.Progress is { } progress && (d % reportEvery == 0 || d == replicates)) progress.Report((d, replicates));
            return worker;
        }, _ => { });
        stopwatch.Stop();
        return new BootstrapResult(names, estimates, values, replicates, failed.Count(f => f), seed, stopwatch.Elapsed);
    }

    private static double[] Statistics(ReadOnlySpan<double> theta, double sigma, double[] beta, VarianceParameters vp, Design.ModelDesign design, TermMoments[] moments)
    {
        var sdcor = vp.FromTheta(theta, sigma);
        var cov = VarianceDecomposition.TermCovariances(design.RandomEffects, theta, sigma);
        double random = 0;
        for (int k = 0; k < moments.Length; k++)
        {
            if (design.RandomEffects[k].LevelCount == design.Observations) continue;
            random += moments[k].MeanQuadraticForm(cov[k]);
        }
        double fixedVariance = VarianceDecomposition.FixedPartVariance(design.X, beta);
        double s2 = sigma * sigma;
        double total = fixedVariance + random + s2;
        return [.. sdcor, .. beta, random / (random + s2), random / total, fixedVariance / total, (fixedVariance + random) / total];
    }

    private sealed class Worker
    {
        public Worker(FitContext context, int n)
        {
            Gram = new ResponseGram(context.Gram, context.Fit.Design);
            Response = new double[n];
        }

        public ResponseGram Gram { get; }

        public double[] Response { get; }
    }
}

/// <summary>
/// The replicates of a parametric bootstrap: for each replicate the parameters (lme4's names: sd/cor per term,
/// <c>sigma</c>, the fixed effects) and <c>icc_adjusted</c>, <c>icc_conditional</c>, <c>r2_marginal</c>,
/// <c>r2_conditional</c> of its refit.
/// </summary>
public sealed class BootstrapResult
{
    private readonly double[] _values;

    internal BootstrapResult(string[] names, double[] estimates, double[] values, int replicates, int failures, ulong seed, TimeSpan elapsed)
    {
        Names = names;
        Estimates = estimates;
        _values = values;
        Replicates = replicates;
        Failures = failures;
        Seed = seed;
        Elapsed = elapsed;
    }

    /// <summary>The statistics recorded for each replicate.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The statistics of the original fit.</summary>
    public IReadOnlyList<double> Estimates { get; }

    /// <summary>Number of replicates drawn.</summary>
    public int Replicates { get; }

    /// <summary>Replicates whose refit failed (recorded as NaN and left out of the intervals).</summary>
    public int Failures { get; }

    /// <summary>The seed used.</summary>
    public ulong Seed { get; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Statistic <paramref name="statistic"/> of replicate <paramref name="replicate"/>.</summary>
    public double this[int replicate, int statistic] => _values[replicate * Names.Count + statistic];

    /// <summary>All replicates of one statistic, in replicate order.</summary>
    public double[] Values(string name)
    {
        int j = IndexOf(name);
        int m = Names.Count;
        return [.. Enumerable.Range(0, Replicates).Select(r => _values[r * m + j])];
    }

    /// <summary>
    /// Percentile intervals (R's type-7 quantiles of the successful replicates at (1 ∓ level)/2) for every statistic,
    /// or those named.
    /// </summary>
    public IReadOnlyList<ConfidenceInterval> PercentileIntervals(double level = 0.95, IEnumerable<string>? names = null)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the confidence level must lie strictly between 0 and 1; it is {level}");
        var which = names?.ToArray() ?? [.. Names];
        var result = new List<ConfidenceInterval>();
        foreach (var name in which)
        {
            var v = Values(name).Where(x => !double.IsNaN(x)).ToArray();
            Array.Sort(v);
            double a = (1 - level) / 2;
            result.Add(new ConfidenceInterval(name, Estimates[IndexOf(name)], Quantile(v, a), Quantile(v, 1 - a)));
        }
        return result;
    }

    /// <summary>The standard deviation of a statistic over the successful replicates (its bootstrap standard error).</summary>
    public double StandardError(string name)
    {
        var v = Values(name).Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length < 2) return double.NaN;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name) return i;
        }
        throw new ArgumentException($"no bootstrap statistic '{name}'; they are {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>R's type-7 quantile of sorted values.</summary>
    internal static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
