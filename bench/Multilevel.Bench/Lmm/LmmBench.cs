using System.Diagnostics;
using System.Globalization;
using Multilevel.Data;
using Multilevel.Models;

namespace Multilevel.Bench.Lmm;

/// <summary>
/// Linear mixed-model benchmarks (issue 3), through the product's pipeline (data set or CSV → design → fit):
/// InstEval REML (crossed), a simulated 1,000,000-row y ~ x + (1 + x|g) ML fit with 10,000 groups, and per-fit
/// times for sleepstudy and hsb after warm-up. bench/lme4/lmer_bench.R times lme4 on the same data
/// (`lmm sim1m --export DIR` writes the simulated data as CSV).
/// Usage: lmm [insteval|sim1m|small|all] [--evals-only] [--evals N] [--export DIR] [--reps N]
/// </summary>
internal static class LmmBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(string[] args)
    {
        string which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
        Console.WriteLine($"# LMM benchmarks ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        if (which is "insteval" or "all") InstEval(args.Contains("--evals-only"));
        if (which is "sim1m" or "all") Simulated(Option(args, "--export"));
        if (which is "small" or "all") Small(int.Parse(Option(args, "--reps") ?? "200", Inv));
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void InstEval(bool evalsOnly)
    {
        const string formula = "y ~ 1 + service + (1|s) + (1|d) + (1|dept)";
        var data = Datasets.Load("insteval");
        var sw = Stopwatch.StartNew();
        var design = LinearMixedModel.BuildDesign(formula, data);
        double designSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var c0 = Cpu();
        var dev = LinearMixedModel.CreateDeviance(design);
        Console.WriteLine(string.Create(Inv, $"insteval: Gram matrix + deviance function {sw.Elapsed.TotalMilliseconds:F0} ms ({(Cpu() - c0).TotalMilliseconds:F0} ms CPU); {dev.FactorStructure}"));
        var theta = new[] { 0.2764959, 0.4373653, 0.0706056 };
        dev.Evaluate(theta);
        int reps = int.Parse(Option(Environment.GetCommandLineArgs(), "--evals") ?? "20", Inv);
        sw.Restart();
        c0 = Cpu();
        for (int i = 0; i < reps; i++) dev.Evaluate(theta);
        Console.WriteLine(string.Create(Inv, $"insteval: {sw.Elapsed.TotalMilliseconds / reps:F2} ms per evaluation ({(Cpu() - c0).TotalMilliseconds / reps:F2} ms CPU, all threads)"));
        if (evalsOnly) return;
        sw.Restart();
        c0 = Cpu();
        var fit = LinearMixedModel.Fit(formula, data);
        double total = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(Inv,
            $"insteval REML: fit {total:F3} s wall, {(Cpu() - c0).TotalSeconds:F3} s CPU (design {designSeconds:F3} s of it when cold); " +
            $"{fit.OptSummary.Evaluations} evaluations + convergence check; REMLcrit {fit.Objective:R}; θ [{string.Join(", ", fit.Theta.Select(t => t.ToString("G7", Inv)))}]"));
    }

    private static void Simulated(string? export)
    {
        var data = Simulate(1_000_000, 10_000, 20240601);
        if (export is not null)
        {
            Directory.CreateDirectory(export);
            WriteCsv(Path.Combine(export, "sim1m.csv"), data);
            Console.WriteLine($"sim1m: data written to {Path.Combine(export, "sim1m.csv")}");
        }
        const string formula = "y ~ x + (1 + x|g)";
        var options = LinearMixedModelOptions.MaximumLikelihood;
        // the first fit in the process (JIT included), step by step as LinearMixedModel.Fit runs them
        var c0 = Cpu();
        var cold = Steps(formula, data, options);
        double coldCpu = (Cpu() - c0).TotalSeconds;
        var fit = cold.Fit;
        Console.WriteLine(string.Create(Inv,
            $"sim1m ML: fit {cold.Total:F3} s wall, {coldCpu:F3} s CPU ({fit.OptSummary.Evaluations} evaluations); deviance {fit.Objective:R}; " +
            $"β [{string.Join(", ", fit.FixedEffects.Select(b => b.ToString("G6", Inv)))}]; σ {fit.Sigma.ToString("G6", Inv)}"));
        Console.WriteLine($"sim1m ML, first fit, step by step: {cold}; garbage collections so far: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms paused");
        var warm = Steps(formula, data, options);
        // per evaluation at the optimum (MLM_BENCH_EVALS=N evaluations, 100 by default)
        long e0 = Stopwatch.GetTimestamp();
        int evals = int.Parse(Environment.GetEnvironmentVariable("MLM_BENCH_EVALS") ?? "100", Inv);
        for (int i = 0; i < evals; i++) warm.Deviance.Evaluate(warm.Fit.OptSummary.Final);
        double perEvaluation = Stopwatch.GetElapsedTime(e0).TotalMilliseconds / evals;
        // MLM_BENCH_DESIGNS=N repeats the per-row steps (design and Gram matrix) N more times, for a profiler
        int designs = int.Parse(Environment.GetEnvironmentVariable("MLM_BENCH_DESIGNS") ?? "0", Inv);
        for (int i = 0; i < designs; i++) LinearMixedModel.CreateDeviance(LinearMixedModel.BuildDesign(formula, data, options), options);
        Console.WriteLine(string.Create(Inv, $"sim1m ML, warm, step by step: {warm}; {perEvaluation:F3} ms per evaluation"));
    }

    /// <summary>A fit by the pipeline's public steps, each timed.</summary>
    private static StepTimes Steps(string formula, Frame data, LinearMixedModelOptions options)
    {
        long t0 = Stopwatch.GetTimestamp();
        var design = LinearMixedModel.BuildDesign(formula, data, options);
        double tDesign = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var deviance = LinearMixedModel.CreateDeviance(design, options);
        double tGram = Stopwatch.GetElapsedTime(t0).TotalSeconds - tDesign;
        var optimum = LinearMixedModel.Optimize(deviance, options);
        double tOpt = Stopwatch.GetElapsedTime(t0).TotalSeconds - tDesign - tGram;
        var fit = LinearMixedModel.CreateFit(design, deviance, optimum, options);
        double total = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return new StepTimes(fit, deviance, tDesign, tGram, tOpt, total - tDesign - tGram - tOpt, total);
    }

    private sealed record StepTimes(LinearMixedModelFit Fit, ProfiledDeviance Deviance, double Design, double Gram, double Optimisation, double Checks, double Total)
    {
        public override string ToString() => string.Create(Inv,
            $"design {Design:F3} s, Gram + deviance {Gram:F3} s, optimisation {Optimisation:F3} s ({Fit.OptSummary.Evaluations} evaluations), checks + result {Checks:F3} s; total {Total:F3} s");
    }

    private static void Small(int reps)
    {
        foreach (var (name, formula) in new[] { ("sleepstudy", "Reaction ~ Days + (Days|Subject)"), ("hsb", "mathach ~ ses + (1|schoolid)") })
        {
            var data = Datasets.Load(name);
            var design = LinearMixedModel.BuildDesign(formula, data);
            for (int i = 0; i < 30; i++) LinearMixedModel.Fit(design);
            var times = new double[reps];
            var withDesign = new double[reps];
            for (int i = 0; i < reps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                LinearMixedModel.Fit(design);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                t0 = Stopwatch.GetTimestamp();
                LinearMixedModel.Fit(formula, data);
                withDesign[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(times);
            Array.Sort(withDesign);
            Console.WriteLine(string.Create(Inv,
                $"{name} REML per fit after warm-up: median {times[reps / 2]:F0} µs from the design, {withDesign[reps / 2]:F0} µs from formula and data ({reps} fits)"));
        }
    }

    /// <summary>
    /// y = 1 + 0.5 x + b0_g + b1_g x + ε with 10,000 groups of 100 rows, x ~ N(0, 1), (b0, b1) ~ N(0, [1, 0.3·0.5; ·, 0.25]),
    /// ε ~ N(0, 1); fixed seed.
    /// </summary>
    private static Frame Simulate(int rows, int groups, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var b0 = new double[groups];
        var b1 = new double[groups];
        for (int g = 0; g < groups; g++)
        {
            double z1 = Normal(), z2 = Normal();
            b0[g] = z1;
            b1[g] = 0.5 * (0.3 * z1 + Math.Sqrt(1 - 0.09) * z2);
        }
        var y = new double[rows];
        var x = new double[rows];
        var codes = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int g = i % groups;
            double xi = Normal();
            codes[i] = g;
            x[i] = xi;
            y[i] = 1 + 0.5 * xi + b0[g] + b1[g] * xi + Normal();
        }
        var levels = Enumerable.Range(1, groups).Select(i => i.ToString(Inv)).ToArray();
        return new Frame([new NumericColumn("y", y), new NumericColumn("x", x), new CategoricalColumn("g", codes, levels)]);
    }

    private static void WriteCsv(string path, Frame data)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("y,x,g");
        var y = (NumericColumn)data["y"];
        var x = (NumericColumn)data["x"];
        var g = (CategoricalColumn)data["g"];
        for (int i = 0; i < data.RowCount; i++)
        {
            w.Write(y[i].ToString("R", Inv));
            w.Write(',');
            w.Write(x[i].ToString("R", Inv));
            w.Write(',');
            w.WriteLine(g.Levels[g[i]]);
        }
    }
}
