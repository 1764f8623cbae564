using System.Globalization;
using System.Text;
using Multilevel.Models.Linear;

namespace Multilevel.Reporting;

/// <summary>The text table of a no-pooling fit: one row per group with n, each coefficient's estimate and
/// standard error (and σ̂ for least squares), then the groups not fitted with the reason, then the mean,
/// standard deviation, minimum and maximum of each coefficient over the fitted groups.</summary>
public static class NoPoolingTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the table.</summary>
    public static string Render(NoPoolingFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sb = new StringBuilder();
        string how = fit.Family is null ? fit.Method : $"{fit.Method}, {fit.Family}";
        sb.Append("No pooling: ").Append(fit.Formula).Append(", fitted separately in each group of ").Append(fit.GroupName)
          .Append(" (").Append(how).Append(")\n");
        sb.Append(fit.Groups.Count).Append(" group(s) fitted");
        if (fit.Skipped.Count > 0) sb.Append(", ").Append(fit.Skipped.Count).Append(" not fitted");
        sb.Append("; ").Append(fit.Observations).Append(" rows\n\n");
        var names = fit.CoefficientNames;
        bool sigma = fit.Family is null || fit.Groups.Any(g => double.IsFinite(g.Sigma));
        int lw = Math.Max(fit.GroupName.Length, fit.Groups.Concat<object>(fit.Skipped).Select(o => o is GroupEstimates g ? g.Level.Length : ((SkippedGroup)o).Level.Length).DefaultIfEmpty(0).Max());
        var colWidths = names.Select(n => Math.Max(10, n.Length)).ToArray();
        sb.Append(fit.GroupName.PadRight(lw)).Append("      n");
        for (int j = 0; j < names.Count; j++) sb.Append("  ").Append(names[j].PadLeft(colWidths[j])).Append("  ").Append("(se)".PadLeft(9));
        if (sigma) sb.Append("     sigma");
        sb.Append('\n');
        foreach (var g in fit.Groups)
        {
            sb.Append(g.Level.PadRight(lw)).Append(g.Observations.ToString(Inv).PadLeft(7));
            for (int j = 0; j < names.Count; j++)
            {
                sb.Append("  ").Append(Num(g.Estimates[j]).PadLeft(colWidths[j])).Append("  ")
                  .Append(("(" + Num(g.StandardErrors[j]) + ")").PadLeft(9));
            }
            if (sigma) sb.Append(Num(g.Sigma).PadLeft(10));
            sb.Append('\n');
        }
        if (fit.Skipped.Count > 0)
        {
            sb.Append("\nNot fitted:\n");
            foreach (var s in fit.Skipped)
            {
                sb.Append("  ").Append(s.Level.PadRight(lw)).Append("  n = ").Append(s.Observations).Append(": ").Append(s.Reason).Append('\n');
            }
        }
        if (fit.Groups.Count > 1)
        {
            sb.Append("\nOver the fitted groups:\n");
            int nw = Math.Max(9, names.Max(n => n.Length));
            sb.Append(new string(' ', nw)).Append("      mean        sd       min       max\n");
            for (int j = 0; j < names.Count; j++)
            {
                var v = fit.Groups.Select(g => g.Estimates[j]).Where(double.IsFinite).ToArray();
                if (v.Length == 0) continue;
                double mean = v.Average();
                double sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : double.NaN;
                sb.Append(names[j].PadRight(nw)).Append(Num(mean).PadLeft(10)).Append(Num(sd).PadLeft(10))
                  .Append(Num(v.Min()).PadLeft(10)).Append(Num(v.Max()).PadLeft(10)).Append('\n');
            }
        }
        if (fit.RowsDropped > 0) sb.Append('\n').Append(fit.RowsDropped).Append(" row(s) dropped (missing values).\n");
        foreach (var m in fit.Messages) sb.Append(m).Append('\n');
        return sb.ToString();
    }

    private static string Num(double x) => double.IsFinite(x) ? x.ToString("F4", Inv) : "NA";
}
