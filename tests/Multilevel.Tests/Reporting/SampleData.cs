using System.Globalization;
using System.Text.Json;
using Multilevel.Reporting.Svg;

namespace Multilevel.Tests.Reporting;

/// <summary>The test fixtures the plotting tests draw: hsb and sleepstudy, with a few quantities computed from them.</summary>
internal static class SampleData
{
    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>Reads a small numeric CSV (quoted header, numbers or quoted labels): the columns by name, as text.</summary>
    public static Dictionary<string, List<string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var names = lines[0].Split(',').Select(s => s.Trim('"')).ToArray();
        var cols = names.ToDictionary(n => n, _ => new List<string>());
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            for (int j = 0; j < names.Length; j++) cols[names[j]].Add(cells[j].Trim('"'));
        }
        return cols;
    }

    public static double[] Numbers(List<string> cells) =>
        [.. cells.Select(c => c is "NA" or "" ? double.NaN : double.Parse(c, CultureInfo.InvariantCulture))];

    public static JsonElement Reference(string name, string folder = "reference") => JsonDocument.Parse(File.ReadAllText(Fixture(folder, name))).RootElement;

    public static double Fixef(JsonElement reference, string term) => reference.GetProperty("fixef").GetProperty(term).GetProperty("estimate").GetDouble();

    public static double VarComp(JsonElement reference, string group, string? var1, string? var2 = null)
    {
        foreach (var vc in reference.GetProperty("varcorr").EnumerateArray())
        {
            string g = vc.GetProperty("group").GetString()!;
            string? v1 = vc.GetProperty("var1").ValueKind == JsonValueKind.Null ? null : vc.GetProperty("var1").GetString();
            string? v2 = vc.GetProperty("var2").ValueKind == JsonValueKind.Null ? null : vc.GetProperty("var2").GetString();
            if (g == group && v1 == var1 && v2 == var2) return vc.GetProperty("vcov").GetDouble();
        }
        throw new InvalidOperationException($"no variance component {group}/{var1}/{var2}");
    }

    /// <summary>Least-squares line of y on x (finite pairs).</summary>
    public static (double Intercept, double Slope) SimpleRegression(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double sx = 0, sy = 0;
        int n = 0;
        for (int i = 0; i < x.Count; i++) if (double.IsFinite(x[i]) && double.IsFinite(y[i])) { sx += x[i]; sy += y[i]; n++; }
        double mx = sx / n, my = sy / n, sxx = 0, sxy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double b = sxy / sxx;
        return (my - b * mx, b);
    }

    public sealed record Hsb(double[] MathAch, double[] Ses, double[] Sector, Grouping School);

    public static Hsb LoadHsb()
    {
        var c = ReadCsv(Fixture("data", "hsb.csv"));
        var school = Grouping.FromLabels(c["schoolid"]);
        // Levels in numeric order, as R's factor(schoolid).
        var order = school.Levels.Select((l, i) => (L: l, I: i)).OrderBy(t => int.Parse(t.L, CultureInfo.InvariantCulture)).ToList();
        var recode = new int[order.Count];
        for (int k = 0; k < order.Count; k++) recode[order[k].I] = k;
        var codes = school.Codes.Select(g => recode[g]).ToArray();
        return new Hsb(Numbers(c["mathach"]), Numbers(c["ses"]), Numbers(c["sector"]), new Grouping(codes, [.. order.Select(t => t.L)]));
    }

    public sealed record Sleep(double[] Reaction, double[] Days, Grouping Subject);

    public static Sleep LoadSleepstudy()
    {
        var c = ReadCsv(Fixture("data", "sleepstudy.csv"));
        return new Sleep(Numbers(c["Reaction"]), Numbers(c["Days"]), Grouping.FromLabels(c["Subject"]));
    }
}
