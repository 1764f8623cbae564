using System.Diagnostics;
using System.Globalization;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.FixedEffects;

namespace Multilevel.Bench;

/// <summary>
/// Absorbed fixed effects on a simulated panel: y = x1 − 0.5 x2 + α_f1 + β_f2 + γ_f3 + ε with three crossed
/// factors drawn uniformly (default 1e6 rows, 1e4 + 1e3 + 1e2 levels) and x1 correlated with the effects.
/// Times <see cref="AbsorbedFixedEffects.Fit"/> (within transformation of y, x1, x2 and the OLS step) and the
/// three variance estimators. Usage: <c>fixed-effects [rows] [levels1,levels2,levels3] [repeats]</c>.
/// </summary>
public static class FixedEffectsBench
{
    public static void Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int[] levels = args.Length > 1 ? [.. args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [10_000, 1_000, 100];
        int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var rng = new Random(20261122);
        var codes = levels.Select(_ => new int[n]).ToArray();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < levels.Length; k++) codes[k][i] = rng.Next(levels[k]);
        var effects = levels.Select(l => Enumerable.Range(0, l).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var x = new double[2 * n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = 0;
            for (int k = 0; k < levels.Length; k++) a += effects[k][codes[k][i]];
            double x1 = 0.5 * a + Normal(rng), x2 = Normal(rng);
            x[i] = x1;
            x[n + i] = x2;
            y[i] = x1 - 0.5 * x2 + a + Normal(rng);
        }
        var design = new ModelDesign
        {
            FormulaText = "y ~ x1 + x2 | " + string.Join(" + ", levels.Select((_, k) => $"f{k + 1}")),
            Response = new Response("y", y),
            X = new FixedEffectsMatrix(x, n, ["x1", "x2"]),
            Absorbed = [.. levels.Select((l, k) => new AbsorbedFactor($"f{k + 1}", [.. Enumerable.Range(0, l).Select(v => v.ToString(CultureInfo.InvariantCulture))], codes[k]))],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
        Console.WriteLine($"absorbed fixed effects: {design.FormulaText}, {n:N0} rows, levels {string.Join(" + ", levels)}; " +
            $"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}");
        for (int r = 0; r <= repeats; r++)
        {
            var proc = Process.GetCurrentProcess();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var fit = AbsorbedFixedEffects.Fit(design);
            double fitSeconds = sw.Elapsed.TotalSeconds;
            var clusters = new ClusterVariable("f1", codes[0]);
            sw.Restart();
            var iid = VarianceEstimators.Iid(fit);
            var hc1 = VarianceEstimators.HC1(fit);
            var cr1 = VarianceEstimators.ClusterRobust(fit, [clusters]);
            double vcovSeconds = sw.Elapsed.TotalSeconds;
            proc.Refresh();
            double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
            string label = r == 0 ? "warm-up" : $"run {r}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: fit {fitSeconds:F3} s (CPU {cpu:F3} s incl. vcov), vcov iid+HC1+CR1 {vcovSeconds:F3} s; " +
                $"CG iterations {fit.Absorbed!.Iterations}, absorbed parameters {fit.AbsorbedParameters}, singletons {fit.Absorbed.SingletonsDropped}; " +
                $"x1 = {fit.Coefficients[0]:F5} (se {iid.StandardErrors()[0]:F5}, HC1 {hc1.StandardErrors()[0]:F5}, CR1 {cr1.StandardErrors()[0]:F5}), " +
                $"x2 = {fit.Coefficients[1]:F5}"));
        }
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
