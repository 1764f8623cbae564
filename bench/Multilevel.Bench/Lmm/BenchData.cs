using System.Globalization;
using Multilevel.Design;

namespace Multilevel.Bench.Lmm;

/// <summary>Designs for the LMM benchmarks, built directly from CSV files (a simple reader) or simulated.</summary>
internal static class BenchData
{
    public static Dictionary<string, string[]> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Split(lines[0]);
        var cols = header.ToDictionary(h => h, _ => new string[lines.Length - 1]);
        for (int i = 1; i < lines.Length; i++)
        {
            var f = Split(lines[i]);
            for (int j = 0; j < header.Length; j++) cols[header[j]][i - 1] = f[j];
        }
        return cols;
    }

    private static string[] Split(string line) => [.. line.Split(',').Select(s => s.Trim('"'))];

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static ReTerm Factor(string name, string[] labels, IReadOnlyList<string>? order, string[] columns, Func<int, double>[] values)
    {
        var levels = order ?? [.. labels.Distinct().OrderBy(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.MaxValue).ThenBy(l => l, StringComparer.Ordinal)];
        var index = levels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var codes = labels.Select(l => index[l]).ToArray();
        int q = columns.Length;
        var z = new double[labels.Length * q];
        for (int r = 0; r < labels.Length; r++)
        {
            for (int c = 0; c < q; c++) z[r * q + c] = values[c](r);
        }
        return new ReTerm(name, levels, codes, columns, z);
    }

    private static ModelDesign Make(string formula, string response, double[] y, (string Name, double[] Values)[] x, ReTerm[] terms)
    {
        int n = y.Length;
        var data = new double[n * x.Length];
        for (int j = 0; j < x.Length; j++) x[j].Values.CopyTo(data, j * n);
        return new ModelDesign
        {
            FormulaText = formula,
            Response = new Response(response, y),
            X = new FixedEffectsMatrix(data, n, [.. x.Select(c => c.Name)]),
            RandomEffects = [.. terms.Select((t, i) => (t, i)).OrderByDescending(p => p.t.LevelCount).ThenBy(p => p.i).Select(p => p.t)],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
    }

    /// <summary>InstEval: y ~ 1 + service + (1|s) + (1|d) + (1|dept).</summary>
    public static ModelDesign InstEval(string dataDir)
    {
        var c = ReadCsv(Path.Combine(dataDir, "insteval.csv"));
        int n = c["y"].Length;
        var y = c["y"].Select(Num).ToArray();
        var service = c["service"].Select(s => s == "1" ? 1.0 : 0.0).ToArray();
        Func<int, double>[] one = [_ => 1.0];
        return Make("y ~ 1 + service + (1|s) + (1|d) + (1|dept)", "y", y,
            [("(Intercept)", Enumerable.Repeat(1.0, n).ToArray()), ("service1", service)],
            [Factor("s", c["s"], null, ["(Intercept)"], one), Factor("d", c["d"], null, ["(Intercept)"], one), Factor("dept", c["dept"], null, ["(Intercept)"], one)]);
    }

    public static ModelDesign SleepStudy(string dataDir)
    {
        var c = ReadCsv(Path.Combine(dataDir, "sleepstudy.csv"));
        var y = c["Reaction"].Select(Num).ToArray();
        var days = c["Days"].Select(Num).ToArray();
        return Make("Reaction ~ Days + (Days|Subject)", "Reaction", y,
            [("(Intercept)", Enumerable.Repeat(1.0, y.Length).ToArray()), ("Days", days)],
            [Factor("Subject", c["Subject"], null, ["(Intercept)", "Days"], [_ => 1.0, r => days[r]])]);
    }

    public static ModelDesign Hsb(string dataDir)
    {
        var c = ReadCsv(Path.Combine(dataDir, "hsb.csv"));
        var y = c["mathach"].Select(Num).ToArray();
        var ses = c["ses"].Select(Num).ToArray();
        return Make("mathach ~ ses + (1|schoolid)", "mathach", y,
            [("(Intercept)", Enumerable.Repeat(1.0, y.Length).ToArray()), ("ses", ses)],
            [Factor("schoolid", c["schoolid"], null, ["(Intercept)"], [_ => 1.0])]);
    }

    /// <summary>
    /// y = 1 + 0.5 x + b0_g + b1_g x + ε with 10,000 groups of 100 rows, x ~ N(0, 1), (b0, b1) ~ N(0, [1, 0.3·0.5; ·, 0.25]),
    /// ε ~ N(0, 1); fixed seed.
    /// </summary>
    public static (double[] Y, double[] X, int[] G) Simulate(int rows, int groups, int seed)
    {
        var rng = new Random(seed);
        double Normal()
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
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
        var gi = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int g = i % groups;
            double xi = Normal();
            gi[i] = g;
            x[i] = xi;
            y[i] = 1 + 0.5 * xi + b0[g] + b1[g] * xi + Normal();
        }
        return (y, x, gi);
    }

    public static ModelDesign Simulated(double[] y, double[] x, int[] g, int groups)
    {
        int n = y.Length;
        var z = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            z[2 * i] = 1;
            z[2 * i + 1] = x[i];
        }
        var levels = Enumerable.Range(1, groups).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var term = new ReTerm("g", levels, g, ["(Intercept)", "x"], z);
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return Make("y ~ x + (1 + x|g)", "y", y, [("(Intercept)", ones), ("x", x)], [term]);
    }

    public static void ExportCsv(string path, double[] y, double[] x, int[] g)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("y,x,g");
        for (int i = 0; i < y.Length; i++)
        {
            w.Write(y[i].ToString("R", CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(x[i].ToString("R", CultureInfo.InvariantCulture));
            w.Write(',');
            w.WriteLine((g[i] + 1).ToString(CultureInfo.InvariantCulture));
        }
    }
}
