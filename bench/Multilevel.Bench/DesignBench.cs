using System.Diagnostics;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Bench;

/// <summary>Times the design step (formula → ModelDesign) on simulated data of 1e5 … 1e7 rows:
/// <c>dotnet run -c Release --project bench/Multilevel.Bench -- design [n1,n2,...]</c>.</summary>
public static class DesignBench
{
    private static readonly string[] Formulas =
    [
        "y ~ x1 + x2 + f + (1 + x1 | g)",
        "y ~ x1 * f + log(x2) + I(x1^2) + (1 | g) + (1 | h)",
        "y ~ x1 + demean(x2, g) | g + h",
        "y ~ x1 + f:h2 + (1 | g/h)",
    ];

    public static void Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args[0].Split(',').Select(int.Parse)] : [100_000, 1_000_000, 10_000_000];
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformationText()}");
        foreach (int n in sizes)
        {
            var frame = Simulate(n);
            Console.WriteLine($"n = {n:N0} (g: {n / 100:N0} levels, h: 100, f: 5, h2: 3; 1% missing in x2)");
            foreach (var formula in Formulas)
            {
                DesignBuilder.Build(formula, frame); // warm-up
                var times = new List<double>();
                var cpu = new List<double>();
                ModelDesign? design = null;
                var process = Process.GetCurrentProcess();
                for (int rep = 0; rep < 3; rep++)
                {
                    process.Refresh();
                    var cpu0 = process.TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    design = DesignBuilder.Build(formula, frame);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                    process.Refresh();
                    cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
                }
                times.Sort();
                cpu.Sort();
                if (Environment.GetEnvironmentVariable("DESIGN_PHASES") == "1") Phases(formula, frame);
                Console.WriteLine($"  {formula,-52} wall {times[1],8:F1} ms  cpu {cpu[1],8:F1} ms  ({cpu[1] * 1e6 / n:F0} ns/row cpu; " +
                    $"p = {design!.X.Columns}, nobs = {design.Observations:N0}, {design.RandomEffects.Count} RE terms, {design.Absorbed.Count} absorbed)");
            }
        }
    }

    private static void Phases(string formula, Frame frame)
    {
        var process = Process.GetCurrentProcess();
        double Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalMilliseconds;
        }
        double c0 = Cpu();
        var terms = FormulaTerms.Parse(formula);
        double c1 = Cpu();
        var mf = ModelFrame.Create(terms, frame);
        double c2 = Cpu();
        var mm = ModelMatrix.Build(terms.Fixed, mf);
        double c3 = Cpu();
        _ = Multilevel.Numerics.ColumnRank.Check(mm.Values, mm.Rows, mm.Columns);
        double c4 = Cpu();
        _ = DesignBuilder.RandomEffects(mf);
        double c5 = Cpu();
        Console.WriteLine($"      cpu: parse {c1 - c0:F1}  frame {c2 - c1:F1}  X {c3 - c2:F1}  rank {c4 - c3:F1}  RE {c5 - c4:F1} ms");
    }

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    private static Frame Simulate(int n)
    {
        var rng = new Random(20240601);
        var y = new double[n];
        var x1 = new double[n];
        var x2 = new double[n];
        var g = new double[n];
        var f = new int[n];
        var h = new int[n];
        var h2 = new int[n];
        int groups = Math.Max(2, n / 100);
        for (int i = 0; i < n; i++)
        {
            x1[i] = rng.NextDouble() * 2 - 1;
            x2[i] = rng.NextDouble() < 0.01 ? double.NaN : 0.5 + rng.NextDouble();
            g[i] = 1000 + rng.Next(groups);
            f[i] = rng.Next(5);
            h[i] = rng.Next(100);
            h2[i] = rng.Next(3);
            y[i] = x1[i] + rng.NextDouble();
        }
        return new Frame([
            new NumericColumn("y", y),
            new NumericColumn("x1", x1),
            new NumericColumn("x2", x2),
            new NumericColumn("g", g),
            new CategoricalColumn("f", f, ["a", "b", "c", "d", "e"]),
            new CategoricalColumn("h", h, [.. Enumerable.Range(0, 100).Select(k => $"h{k}")]),
            new CategoricalColumn("h2", h2, ["p", "q", "r"]),
        ]);
    }
}
