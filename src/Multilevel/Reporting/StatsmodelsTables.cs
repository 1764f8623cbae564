using System.Text;
using Multilevel.Inference;

namespace Multilevel.Reporting;

/// <summary>The building blocks of statsmodels' text summaries: a centred title, two-column key/value
/// tables 78 characters wide, the coefficient table and '=' / '-' rules.</summary>
internal static class StatsmodelsTables
{
    public const int Width = 78;
    private const int LeftWidth = 37;
    private const int RightWidth = 38;

    public static void Title(StringBuilder sb, string title, int width)
    {
        int pad = Math.Max(0, (width - title.Length) / 2);
        sb.Append(new string(' ', pad)).Append(title).Append(new string(' ', Math.Max(0, width - pad - title.Length))).Append('\n');
    }

    public static void Rule(StringBuilder sb, char c, int width) => sb.Append(new string(c, width)).Append('\n');

    /// <summary>Rows of "label value" pairs, left and right halves (either may be shorter).</summary>
    public static void KeyValues(StringBuilder sb, IReadOnlyList<(string Label, string Value)> left, IReadOnlyList<(string Label, string Value)> right)
    {
        int rows = Math.Max(left.Count, right.Count);
        for (int r = 0; r < rows; r++)
        {
            string l = r < left.Count ? Cell(left[r], LeftWidth) : new string(' ', LeftWidth);
            string rt = r < right.Count ? Cell(right[r], RightWidth) : new string(' ', RightWidth);
            sb.Append(l).Append("   ").Append(rt).Append('\n');
        }
    }

    private static string Cell((string Label, string Value) kv, int width)
    {
        string value = kv.Value.Trim();
        int gap = width - kv.Label.Length - value.Length;
        return kv.Label + new string(' ', Math.Max(1, gap)) + value;
    }

    /// <summary>The coefficient table: name, coef, std err, t or z, P&gt;|t|, and the interval bounds.</summary>
    public static int CoefficientTableWidth(CoefficientTable table) =>
        Math.Max(9, table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Name.Length)) + 69;

    public static void Coefficients(StringBuilder sb, CoefficientTable table, int width)
    {
        int nameWidth = Math.Max(9, table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Name.Length));
        string stat = table.StatisticName;
        double lo = (1 - table.Level) / 2, hi = 1 - lo;
        string loText = "[" + CFormat.G(lo, 3), hiText = CFormat.G(hi, 3) + "]";
        sb.Append(new string(' ', nameWidth))
          .Append("coef".PadLeft(12)).Append("std err".PadLeft(11)).Append(stat.PadLeft(11))
          .Append($"P>|{stat}|".PadLeft(11)).Append(loText.PadLeft(12)).Append(hiText.PadLeft(12)).Append('\n');
        Rule(sb, '-', width);
        foreach (var r in table.Rows)
        {
            sb.Append(r.Name.PadRight(nameWidth))
              .Append(CFormat.Forg(r.Estimate, 4).PadLeft(12))
              .Append(CFormat.Forg(r.StandardError).PadLeft(11))
              .Append(CFormat.Forg(r.Statistic).PadLeft(11))
              .Append(CFormat.F(r.PValue, 3, 6).PadLeft(11))
              .Append(CFormat.Forg(r.Lower).PadLeft(12))
              .Append(CFormat.Forg(r.Upper).PadLeft(12))
              .Append('\n');
        }
    }

    /// <summary>The table with R's <c>(Intercept)</c> renamed <c>Intercept</c>, as statsmodels prints it.</summary>
    public static CoefficientTable PatsyNames(CoefficientTable table) =>
        table with { Rows = [.. table.Rows.Select(r => r.Name == "(Intercept)" ? r with { Name = "Intercept" } : r)] };

    /// <summary>statsmodels' name of a covariance type: nonrobust, HC1, cluster.</summary>
    public static string CovarianceTypeName(string type) =>
        type == "iid" ? "nonrobust" : type.StartsWith("CR1", StringComparison.Ordinal) ? "cluster" : type;

    /// <summary>The "[1] Standard Errors …" note for a covariance type.</summary>
    public static string CovarianceNote(CoefficientCovariance cov)
    {
        if (cov.Type == "iid") return "Standard Errors assume that the covariance matrix of the errors is correctly specified.";
        if (cov.Type == "HC1") return "Standard Errors are heteroscedasticity robust (HC1)";
        var counts = cov.ClusterCounts is null ? "" : $" ({string.Join(" × ", cov.ClusterCounts)} clusters; t on {cov.DegreesOfFreedom} df)";
        return $"Standard Errors are robust to cluster correlation: {cov.Type}{counts}";
    }
}
