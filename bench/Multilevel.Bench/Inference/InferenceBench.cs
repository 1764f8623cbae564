using System.Diagnostics;
using System.Globalization;
using Multilevel.Data;
using Multilevel.Inference;
using Multilevel.Models;

namespace Multilevel.Bench.Inference;

/// <summary>
/// Inference benchmarks (issue 6): a 1,000-replicate parametric bootstrap of the hsb random-intercept model
/// (refits from the Gram matrix with only the y-dependent blocks recomputed), profile intervals, and (when
/// available) Satterthwaite's degrees of freedom. Short runs: the machine is shared.
/// </summary>
internal static class InferenceBench
{
    public static void Run(string[] args)
    {
        string dataDir = Option(args, "--data") ?? "/work/shared/data";
        int replicates = int.TryParse(Option(args, "--replicates"), out int r) ? r : 1000;
        int threads = int.TryParse(Option(args, "--threads"), out int t) ? t : 0;
        Console.WriteLine($"# Inference benchmarks  ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        var hsb = LinearMixedModel.Fit("mathach ~ ses + (1|schoolid)", DataSource.Load(Path.Combine(dataDir, "hsb.csv"), new FrameSchema()));
        var sleep = LinearMixedModel.Fit("Reaction ~ Days + (Days|Subject)", DataSource.Load(Path.Combine(dataDir, "sleepstudy.csv"), new FrameSchema(["Subject"])));

        // warm-up (JIT) on a few replicates
        ParametricBootstrap.Run(hsb, new BootstrapOptions { Replicates = 20, Seed = 1 });
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var boot = ParametricBootstrap.Run(hsb, new BootstrapOptions { Replicates = replicates, Seed = 20240601, MaxDegreeOfParallelism = threads });
        double seconds = sw.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var ci = boot.PercentileIntervals(0.95, ["sd_(Intercept)|schoolid", "sigma", "ses", "icc_adjusted"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hsb mathach ~ ses + (1|schoolid) REML: parametric bootstrap {replicates} replicates in {seconds:F3} s wall, {cpu:F3} s CPU ({cpu / replicates * 1000:F3} ms CPU/replicate, {(threads > 0 ? threads : Environment.ProcessorCount)} threads, {boot.Failures} failures; load average {LoadAverage()})"));
        if (args.Contains("--breakdown")) Breakdown(hsb);
        foreach (var c in ci) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Parameter,-26} {c.Estimate,10:G6}  95% [{c.Lower:G6}, {c.Upper:G6}]"));

        foreach (var (name, fit) in new[] { ("hsb", hsb), ("sleepstudy", sleep) })
        {
            Satterthwaite.Coefficients(fit);
            sw.Restart();
            var satt = Satterthwaite.Coefficients(fit);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: Satterthwaite df of {satt.Count} coefficients in {sw.Elapsed.TotalMilliseconds:F1} ms"));
        }
        {
            // thousands of groups: y ~ x + (1 + x|g), 200,000 rows in 5,000 groups
            var simulated = Multilevel.Simulation.DesignSimulator.Simulate(new Multilevel.Simulation.TwoLevelDesign
            {
                Groups = 5_000, GroupSize = 40, Intercept = 1, Slope = 0.5, InterceptSd = 1, SlopeSd = 0.5, InterceptSlopeCorrelation = 0.3, ResidualSd = 1,
            }, 20240601);
            var big = LinearMixedModel.Fit("y ~ x + (1 + x|group)", simulated.ToFrame());
            sw.Restart();
            var satt = Satterthwaite.Coefficients(big);
            double tSatt = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var dev = LinearMixedModel.CreateDeviance(big.Design);
            double tGram = sw.Elapsed.TotalSeconds;
            sw.Restart();
            for (int i = 0; i < 20; i++) dev.Evaluate(big.Theta);
            double tEval = sw.Elapsed.TotalMilliseconds / 20;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulated 200k rows, 5,000 groups, (1 + x|g): Satterthwaite for {satt.Count} coefficients in {tSatt:F3} s (one factor update {tEval:F2} ms; Gram built in {tGram:F3} s); df {string.Join(", ", satt.Select(s => s.DegreesOfFreedom.ToString("F1", CultureInfo.InvariantCulture)))}"));
        }

        foreach (var (name, fit) in new[] { ("hsb", hsb), ("sleepstudy", sleep) })
        {
            ProfileLikelihood.ConfidenceIntervals(fit);
            sw.Restart();
            var prof = ProfileLikelihood.ConfidenceIntervals(fit);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: profile intervals of {prof.Intervals.Count} parameters in {sw.Elapsed.TotalMilliseconds:F1} ms"));
        }
    }

    private static void Breakdown(LinearMixedModelFit fit)
    {
        var sim = Multilevel.Simulation.LinearMixedModelSimulator.FromFit(fit);
        var y = new double[fit.Observations];
        var sw = Stopwatch.StartNew();
        for (int r = 0; r < 1000; r++) sim.Simulate(Multilevel.Simulation.RandomStream.ForStream(1, (ulong)r), y);
        double tSim = sw.Elapsed.TotalMilliseconds;
        var gram = LinearMixedModel.CreateDeviance(fit.Design).Gram;
        var rg = new ResponseGram(gram, fit.Design);
        sw.Restart();
        for (int r = 0; r < 1000; r++) rg.SetResponse(y);
        double tGram = sw.Elapsed.TotalMilliseconds;
        var dev = ProfiledDeviance.Create(rg.Gram, LmmCriterion.Reml);
        var opts = new LinearMixedModelOptions { StartTheta = fit.Theta, SkipConvergenceCheck = true };
        int evals = 0;
        sw.Restart();
        for (int r = 0; r < 1000; r++) evals += LinearMixedModel.Optimize(dev, opts).Evaluations;
        double tOpt = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        for (int r = 0; r < 10000; r++) dev.Evaluate(fit.Theta);
        double tEval = sw.Elapsed.TotalMilliseconds / 10;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  per replicate: simulate {tSim / 1000:F3} ms, Gram update {tGram / 1000:F3} ms, optimise {tOpt / 1000:F3} ms ({evals / 1000.0:F1} evaluations, {tEval / 1000 * 1000:F1} µs each)"));
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
