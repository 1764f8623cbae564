using System.Diagnostics;
using System.Globalization;
using Multilevel.Models;

namespace Multilevel.Bench.Lmm;

/// <summary>
/// Linear mixed-model benchmarks (issue 3): InstEval REML (crossed), a simulated 1,000,000-row
/// y ~ x + (1 + x|g) ML fit with 10,000 groups, and per-fit times for sleepstudy and hsb after warm-up.
/// The R script bench/lme4/lmer_bench.R times lme4 on the same data.
/// </summary>
internal static class LmmBench
{
    public static void Run(string[] args)
    {
        string which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
        string dataDir = Option(args, "--data") ?? "/work/shared/data";
        string? export = Option(args, "--export");
        Console.WriteLine($"# LMM benchmarks  ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        if (which is "insteval" or "all") InstEval(dataDir);
        if (which is "sim1m" or "all") Simulated(export);
        if (which is "small" or "all") Small(dataDir, args.Contains("--quick") ? 50 : 500);
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void InstEval(string dataDir)
    {
        var sw = Stopwatch.StartNew();
        var design = BenchData.InstEval(dataDir);
        double load = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var c0 = Process.GetCurrentProcess().TotalProcessorTime;
        var gramMatrix = Multilevel.Models.Internals.DesignGram.Build(design);
        var c1 = Process.GetCurrentProcess().TotalProcessorTime;
        var dev = ProfiledDeviance.Create(gramMatrix, LmmCriterion.Reml);
        var c2 = Process.GetCurrentProcess().TotalProcessorTime;
        double gram = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"insteval: Gram matrix {(c1 - c0).TotalMilliseconds:F0} ms CPU, deviance function (structure, ordering, symbolic) {(c2 - c1).TotalMilliseconds:F0} ms CPU"));
        Console.WriteLine($"insteval: structure {dev.FactorStructure}");
        // per-evaluation cost at lme4's optimum
        var theta = new[] { 0.2764959, 0.4373653, 0.0706056 };
        dev.Evaluate(theta);
        sw.Restart();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        int reps = 20;
        for (int i = 0; i < reps; i++) dev.Evaluate(theta);
        double perEval = sw.Elapsed.TotalMilliseconds / reps;
        double perEvalCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"insteval: {perEval:F2} ms/evaluation wall, {perEvalCpu:F2} ms CPU (all threads)"));
        if (Array.IndexOf(Environment.GetCommandLineArgs(), "--evals-only") >= 0) return;
        cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var fit = LinearMixedModel.Fit(design);
        double total = sw.Elapsed.TotalSeconds;
        double totalCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"insteval REML: read+design {load:F2} s (not timed below), Gram {gram * 1000:F0} ms, {perEval:F2} ms/evaluation, " +
            $"fit {total:F3} s wall, {totalCpu:F3} s CPU ({fit.OptSummary.Evaluations} evaluations + derivatives), REMLcrit {fit.Objective:R}, θ [{string.Join(", ", fit.Theta.Select(t => t.ToString("G8", CultureInfo.InvariantCulture)))}]"));
    }

    private static void Simulated(string? export)
    {
        var (y, x, g) = BenchData.Simulate(1_000_000, 10_000, 20240601);
        if (export is not null)
        {
            Directory.CreateDirectory(export);
            BenchData.ExportCsv(Path.Combine(export, "sim1m.csv"), y, x, g);
        }
        var design = BenchData.Simulated(y, x, g, 10_000);
        var sw = Stopwatch.StartNew();
        var fit = LinearMixedModel.Fit(design, LinearMixedModelOptions.MaximumLikelihood);
        double total = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sim1m ML: fit {total:F3} s ({fit.OptSummary.Evaluations} evaluations), deviance {fit.Objective:R}, β [{string.Join(", ", fit.FixedEffects.Select(b => b.ToString("G6", CultureInfo.InvariantCulture)))}], σ {fit.Sigma:G6}"));
    }

    private static void Small(string dataDir, int reps)
    {
        foreach (var (name, design) in new[] { ("sleepstudy", BenchData.SleepStudy(dataDir)), ("hsb", BenchData.Hsb(dataDir)) })
        {
            for (int i = 0; i < 20; i++) LinearMixedModel.Fit(design);
            var times = new double[reps];
            for (int i = 0; i < reps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                LinearMixedModel.Fit(design);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} REML per fit after warm-up: median {times[reps / 2]:F0} µs (min {times[0]:F0}, {reps} fits)"));
        }
    }
}
