using System.Globalization;
using System.Text;
using Multilevel.Inference;

namespace Multilevel.Reporting;

/// <summary>R's ways of printing numbers in model summaries (<c>format</c> with common decimals,
/// <c>signif</c>, <c>format.pval</c>, <c>printCoefmat</c> with significance stars), for the <c>--style lme4</c>
/// layouts of OLS and GLM fits.</summary>
internal static class RText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Formats a vector with common decimals so that the smallest non-zero magnitude shows
    /// <paramref name="digits"/> significant digits (R's <c>format(x, digits =)</c>).</summary>
    public static string[] Common(IReadOnlyList<double> values, int digits)
    {
        int decimals = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v) || v == 0) continue;
            // Significant digits needed, after rounding to `digits` significant digits.
            double a = Math.Abs(v);
            int e = (int)Math.Floor(Math.Log10(a));
            double rounded = Math.Round(a / Math.Pow(10, e - digits + 1)) * Math.Pow(10, e - digits + 1);
            int e2 = (int)Math.Floor(Math.Log10(rounded));
            // Drop trailing zeros of the significant digits.
            string sig = (rounded / Math.Pow(10, e2 - digits + 1)).ToString("F0", Inv).TrimEnd('0');
            int needed = Math.Max(0, sig.Length - 1 - e2);
            decimals = Math.Max(decimals, Math.Min(15, needed));
        }
        return values.Select(v => !double.IsFinite(v) ? (double.IsNaN(v) ? "NA" : v > 0 ? "Inf" : "-Inf") : v.ToString("F" + decimals, Inv)).ToArray();
    }

    /// <summary>R's <c>signif(x, digits)</c> printed without trailing zeros.</summary>
    public static string Signif(double x, int digits) => CFormat.G(x, digits);

    /// <summary>R's <c>format.pval</c> with eps = machine epsilon.</summary>
    public static string PValue(double p, int digits = 4)
    {
        if (double.IsNaN(p)) return "NA";
        if (p < 2.220446049250313e-16) return "< 2.2e-16";
        return CFormat.G(p, digits);
    }

    public static void ResidualQuantiles(StringBuilder sb, double[] residuals)
    {
        var s = residuals.OrderBy(v => v).ToArray();
        double Q(double prob)
        {
            // R's quantile type 7.
            double h = (s.Length - 1) * prob;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, s.Length - 1);
            return s[lo] + (h - lo) * (s[hi] - s[lo]);
        }
        string[] names = ["Min", "1Q", "Median", "3Q", "Max"];
        var vals = Common([Q(0), Q(0.25), Q(0.5), Q(0.75), Q(1)], 4);
        int w = Math.Max(vals.Max(v => v.Length), names.Max(n => n.Length));
        sb.Append(string.Join(" ", names.Select(n => n.PadLeft(w)))).Append(" \n");
        sb.Append(string.Join(" ", vals.Select(v => v.PadLeft(w)))).Append(" \n");
    }

    /// <summary>printCoefmat: Estimate, Std. Error, t or z value, Pr(&gt;|t|) and stars.</summary>
    public static void CoefficientMatrix(StringBuilder sb, CoefficientTable table)
    {
        var rows = table.Rows;
        var est = rows.Select(r => r.Estimate).Concat(rows.Select(r => r.StandardError)).ToList();
        var estText = Common(est, 4);
        var stat = Common(rows.Select(r => Math.Round(r.Statistic, 3)).ToList(), 4);
        var pv = FormatPValues(rows.Select(r => r.PValue).ToArray());
        string statName = table.StatisticName == "z" ? "z value" : "t value";
        string pName = table.StatisticName == "z" ? "Pr(>|z|)" : "Pr(>|t|)";
        int nw = Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length), 0);
        int w1 = Math.Max("Estimate".Length, estText.Take(rows.Count).DefaultIfEmpty("").Max(s => s.Length));
        int w2 = Math.Max("Std. Error".Length, estText.Skip(rows.Count).DefaultIfEmpty("").Max(s => s.Length));
        int w3 = Math.Max(statName.Length, stat.DefaultIfEmpty("").Max(s => s.Length));
        int w4 = Math.Max(pName.Length, pv.DefaultIfEmpty("").Max(s => s.Length));
        sb.Append(new string(' ', nw)).Append(' ').Append("Estimate".PadLeft(w1)).Append(' ').Append("Std. Error".PadLeft(w2))
          .Append(' ').Append(statName.PadLeft(w3)).Append(' ').Append(pName.PadLeft(w4)).Append("    \n");
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(rows[i].Name.PadRight(nw)).Append(' ').Append(estText[i].PadLeft(w1)).Append(' ')
              .Append(estText[rows.Count + i].PadLeft(w2)).Append(' ').Append(stat[i].PadLeft(w3)).Append(' ')
              .Append(pv[i].PadLeft(w4)).Append(' ').Append(Stars(rows[i].PValue).PadRight(3)).Append('\n');
        }
        sb.Append("---\nSignif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1\n");
    }

    /// <summary>R's (4.2) <c>format.pval(pv, digits = 3, eps = .Machine$double.eps)</c> as printCoefmat uses it:
    /// p-values with exponent ≥ −4 (≥ 1e-4) are formatted together, the smaller ones together, each group as R's
    /// <c>format</c> does (common significant digits, fixed unless scientific is narrower); those below machine
    /// epsilon as <c>&lt;2e-16</c> (<c>&lt; 2e-16</c> when the others are wider than 6 characters).</summary>
    public static string[] FormatPValues(double[] p)
    {
        const double eps = 2.220446049250313e-16;
        const int digits = 3;
        var result = new string[p.Length];
        var fixp = new List<int>();
        var small = new List<int>();
        for (int i = 0; i < p.Length; i++)
        {
            if (double.IsNaN(p[i]) || p[i] < eps) continue;
            int expo = p[i] > 0 ? (int)Math.Floor(Math.Log10(p[i])) : -50;
            if (expo >= -3 || expo == -4) fixp.Add(i);
            else small.Add(i);
        }
        foreach (var group in new[] { fixp, small })
        {
            var text = Format([.. group.Select(i => p[i])], digits);
            for (int k = 0; k < group.Count; k++) result[group[k]] = text[k];
        }
        int nc = result.Where(r => r is not null).Select(r => r.Length).DefaultIfEmpty(0).Max();
        bool anyOther = result.Any(r => r is not null);
        for (int i = 0; i < p.Length; i++)
        {
            if (result[i] is not null) continue;
            if (double.IsNaN(p[i])) result[i] = "NA";
            else result[i] = anyOther && nc > 6 ? "< 2e-16" : "<2e-16";
        }
        return result;
    }

    /// <summary>
    /// R's <c>format(x, digits)</c> of a numeric vector: every element to at most <paramref name="digits"/>
    /// significant digits (trailing zeros dropped), all with the same number of decimals (fixed) or of mantissa
    /// digits (scientific), fixed unless it is wider than scientific (scipen = 0).
    /// </summary>
    public static string[] Format(double[] x, int digits)
    {
        if (x.Length == 0) return [];
        int decimals = 0, mantissa = 1, maxExponent = 0;
        bool negative = false;
        int fixedWidth = 0;
        foreach (double v in x)
        {
            if (!double.IsFinite(v) || v == 0) continue;
            double a = Math.Abs(v);
            int e = (int)Math.Floor(Math.Log10(a));
            double scaled = Math.Round(a / Math.Pow(10, e - digits + 1));
            if (scaled >= Math.Pow(10, digits))
            {
                e++;
                scaled = Math.Round(a / Math.Pow(10, e - digits + 1));
            }
            string sig = scaled.ToString("F0", Inv).TrimEnd('0');
            int s = Math.Max(1, sig.Length);
            mantissa = Math.Max(mantissa, s);
            decimals = Math.Max(decimals, Math.Max(0, s - 1 - e));
            maxExponent = Math.Max(maxExponent, Math.Abs(e));
            if (v < 0) negative = true;
        }
        foreach (double v in x) fixedWidth = Math.Max(fixedWidth, v.ToString("F" + decimals, Inv).Length);
        int sciWidth = (negative ? 1 : 0) + 1 + (mantissa > 1 ? mantissa : 0) + (maxExponent >= 100 ? 5 : 4);
        if (fixedWidth <= sciWidth) return [.. x.Select(v => v.ToString("F" + decimals, Inv))];
        return [.. x.Select(v => CFormat.E(v, mantissa - 1))];
    }

    /// <summary>R's <c>formatC(x, digits)</c> as summary.lm prints R² and F: %g with a field of digits + 1.</summary>
    public static string FormatC(double x, int digits) => CFormat.G(x, digits).PadLeft(digits + 1);

    public static string Stars(double p) =>
        double.IsNaN(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : " ";
}
