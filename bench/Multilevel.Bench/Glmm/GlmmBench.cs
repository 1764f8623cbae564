using System.Diagnostics;
using System.Globalization;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;

namespace Multilevel.Bench.Glmm;

/// <summary>
/// GLMM benchmark (issue 5): a crossed binomial GLMM the size of lme4's VerbAgg (7,584 responses, 316 persons × 24
/// items, r2 ~ (Anger + Gender + btype + situ)^2 + (1|id) + (1|item)), simulated by <see cref="VerbAggData"/>.
/// bench/lme4/glmer_verbagg.R fits the same data (exported with --export DIR) with lme4.
/// Usage: Multilevel.Bench glmm [--export DIR] [--repeats N] [--nagq N]
/// </summary>
internal static class GlmmBench
{
    public static void Run(string[] args)
    {
        int repeats = int.Parse(Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture);
        int nagq = int.Parse(Option(args, "--nagq") ?? "1", CultureInfo.InvariantCulture);
        var data = VerbAggData.Simulate();
        if (Option(args, "--export") is { } dir)
        {
            Directory.CreateDirectory(dir);
            data.ExportCsv(Path.Combine(dir, "verbagg_sim.csv"));
            Console.WriteLine($"wrote {Path.Combine(dir, "verbagg_sim.csv")}");
        }
        var design = data.Design();
        Console.WriteLine($"# GLMM benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version}): {VerbAggData.Formula}, n = {design.Observations}, p = {design.X.Columns}, nAGQ = {nagq}");
        var options = new GeneralizedLinearMixedModelOptions { Nagq = nagq };
        if (Option(args, "--npt") is { } npt || Option(args, "--rhobeg") is not null || Option(args, "--rhoend") is not null)
        {
            options = options with
            {
                SecondStageOptimizerSettings = new Multilevel.Numerics.Optimization.OptimizerOptions(
                    double.Parse(Option(args, "--rhobeg") ?? "0.2", CultureInfo.InvariantCulture),
                    double.Parse(Option(args, "--rhoend") ?? "1e-6", CultureInfo.InvariantCulture),
                    InterpolationPoints: int.Parse(Option(args, "--npt") ?? "0", CultureInfo.InvariantCulture)),
            };
        }
        if (args.Contains("--probe"))
        {
            Probe(design);
            return;
        }
        for (int r = 0; r < repeats; r++)
        {
            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            var deviance = GeneralizedLinearMixedModel.CreateDeviance(design, GlmFamily.Binomial, options);
            double setup = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var optimum = GeneralizedLinearMixedModel.Optimize(deviance, options);
            double optimize = Stopwatch.GetElapsedTime(t0).TotalSeconds - setup;
            int pirlsOptimize = deviance.PirlsIterations;
            var fit = GeneralizedLinearMixedModel.CreateFit(deviance, optimum, options);
            double total = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            proc.Refresh();
            double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {r + 1}: CPU {cpu:F3} s, wall {total:F3} s (set-up + GLM start {setup:F3} s, optimisation {optimize:F3} s, Hessian + result {total - setup - optimize:F3} s); " +
                $"evaluations {optimum.FirstStage.Evaluations} (stage 1) + {optimum.SecondStage?.Evaluations ?? 0} (stage 2) + {fit.Evaluations - optimum.Evaluations} (Hessian, final); " +
                $"PIRLS iterations {pirlsOptimize} in the optimisation, {fit.PirlsIterations} in all"));
            if (r == repeats - 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"-2 logLik {fit.Deviance:R}, θ [{string.Join(", ", fit.Theta.Select(t => t.ToString("G8", CultureInfo.InvariantCulture)))}], converged {fit.Converged}"));
                for (int j = 0; j < fit.FixedEffects.Length; j++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {fit.FixedEffectNames[j],-22} {fit.FixedEffects[j],12:F6} {fit.StandardErrors[j],10:F6}"));
                }
                foreach (var w in fit.Warnings) Console.WriteLine($"  warning: {w}");
            }
        }
    }

    /// <summary>CPU time per deviance evaluation and per PIRLS iteration near the optimum (diagnostics).</summary>
    private static void Probe(Multilevel.Design.ModelDesign design)
    {
        var dev = GeneralizedLinearMixedModel.CreateDeviance(design, GlmFamily.Binomial);
        var opt = GeneralizedLinearMixedModel.Optimize(dev, new GeneralizedLinearMixedModelOptions { Nagq = 0 });
        var theta = opt.Theta;
        var beta = opt.FixedEffects;
        dev.Evaluate(theta, beta);
        var proc = Process.GetCurrentProcess();
        int reps = 300;
        int it0 = dev.PirlsIterations;
        var cpu0 = proc.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        var b = (double[])beta.Clone();
        for (int r = 0; r < reps; r++)
        {
            b[r % b.Length] += (r % 2 == 0 ? 1e-3 : -1e-3);
            dev.Evaluate(theta, b);
        }
        proc.Refresh();
        double cpu = (proc.TotalProcessorTime - cpu0).TotalMilliseconds;
        double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        int its = dev.PirlsIterations - it0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"probe: {reps} evaluations, {its} PIRLS iterations: CPU {cpu / reps:F3} ms/evaluation, {cpu / its:F3} ms/iteration (wall {wall / reps:F3} ms/evaluation)"));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
