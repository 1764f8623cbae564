using System.Globalization;
using System.Text.Json;
using Multilevel.Design;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>Fixtures for the pooling tests: the repo's CSV data read by a minimal parser (independent of the
/// library's readers), R's reference JSON, and designs built by hand (the model matrices R would build).</summary>
internal static class PoolingData
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>Columns of a CSV file in fixtures/data as text.</summary>
    public static Dictionary<string, string[]> Csv(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "data", file));
        var header = Split(lines[0]);
        var cols = header.Select(_ => new List<string>()).ToArray();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var f = Split(line);
            for (int j = 0; j < cols.Length; j++) cols[j].Add(f[j]);
        }
        return header.Select((h, j) => (h, cols[j].ToArray())).ToDictionary(t => t.h, t => t.Item2);
    }

    private static string[] Split(string line) =>
        line.Split(',').Select(s => s.Trim('"')).ToArray();

    public static double[] Numeric(string[] v) => v.Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Factor codes with levels sorted numerically when all parse as numbers (R's factor() of a number).</summary>
    public static (int[] Codes, string[] Levels) Factor(string[] v)
    {
        var distinct = v.Distinct().ToList();
        bool numeric = distinct.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var levels = numeric
            ? distinct.OrderBy(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : distinct.OrderBy(s => s, StringComparer.Ordinal).ToArray();
        var index = levels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
        return (v.Select(s => index[s]).ToArray(), levels);
    }

    public static JsonElement Reference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "reference", name)));
        return doc.RootElement.Clone();
    }

    /// <summary>A design from named numeric columns (the first may be "(Intercept)" = ones).</summary>
    public static ModelDesign MakeDesign(string formula, string responseName, double[] y, IList<(string Name, double[] Values)> columns,
        double[]? weights = null, double[]? offset = null, double[]? trials = null, IReadOnlyList<AbsorbedFactor>? absorbed = null)
    {
        int n = y.Length;
        var x = new double[n * columns.Count];
        for (int j = 0; j < columns.Count; j++) columns[j].Values.CopyTo(x, j * n);
        return new ModelDesign
        {
            FormulaText = formula,
            Response = new Response(responseName, y, trials),
            X = new FixedEffectsMatrix(x, n, columns.Select(c => c.Name).ToList()),
            Weights = weights,
            Offset = offset,
            Absorbed = absorbed ?? [],
            RowsInData = n,
            RowIndex = Enumerable.Range(0, n).ToArray(),
        };
    }

    public static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    /// <summary>Treatment-contrast dummies of a factor (first level the reference), named prefix + level.</summary>
    public static List<(string, double[])> Dummies(int[] codes, string[] levels, string prefix, bool includeFirst = false)
    {
        var list = new List<(string, double[])>();
        for (int l = includeFirst ? 0 : 1; l < levels.Length; l++)
        {
            var d = new double[codes.Length];
            for (int i = 0; i < codes.Length; i++) d[i] = codes[i] == l ? 1 : 0;
            list.Add((prefix + levels[l], d));
        }
        return list;
    }

    public static Hsb LoadHsb()
    {
        var c = Csv("hsb.csv");
        var (school, levels) = Factor(c["schoolid"]);
        return new Hsb(Numeric(c["mathach"]), Numeric(c["ses"]), Numeric(c["meanses"]), Numeric(c["sector"]), school, levels,
            Numeric(c["minority"]));
    }

    public sealed record Hsb(double[] MathAch, double[] Ses, double[] MeanSes, double[] Sector, int[] School, string[] SchoolLevels,
        double[] Minority)
    {
        public int N => MathAch.Length;
    }

    /// <summary>|actual − expected| ≤ rel·|expected| (relative tolerance as the reference README states it).</summary>
    public static void Near(double expected, double actual, double rel, string what)
    {
        double tol = rel * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= tol))
        {
            throw new Xunit.Sdk.XunitException($"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):G3} > {rel:G3})");
        }
    }

    /// <summary>The value printed with d decimals equals the printed text (half a unit in the last place).</summary>
    public static void Printed(double printed, int decimals, double actual, string what)
    {
        double tol = 0.5 * Math.Pow(10, -decimals) * (1 + 1e-9);
        if (!(Math.Abs(actual - printed) <= tol))
        {
            throw new Xunit.Sdk.XunitException($"{what}: printed {printed}, got {actual:R}");
        }
    }
}
