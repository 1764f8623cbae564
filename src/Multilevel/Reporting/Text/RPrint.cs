using System.Globalization;
using System.Text;

namespace Multilevel.Reporting.Text;

/// <summary>
/// R's printing of numbers as lme4's <c>summary()</c> uses it: <c>format(x, digits)</c> (common decimals chosen
/// so that every element shows <c>digits</c> significant digits, fixed or scientific notation by width, common
/// width), <c>round</c>, named vectors and character matrices as <c>print</c> lays them out, and
/// <c>abbreviate</c>.
/// </summary>
internal static class RPrint
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>R's <c>round(x, digits)</c>.</summary>
    public static double Round(double x, int digits)
    {
        if (!double.IsFinite(x)) return x;
        if (digits > 15) return x;
        if (digits >= 0) return Math.Round(x, digits, MidpointRounding.ToEven);
        double p = Math.Pow(10, -digits);
        return Math.Round(x / p, MidpointRounding.ToEven) * p;
    }

    /// <summary>
    /// R's <c>format(x, digits = digits, nsmall = nsmall)</c> of a numeric vector: the same number of decimals for
    /// all (the most any element needs to show <paramref name="digits"/> significant digits, at least
    /// <paramref name="nsmall"/>), or scientific notation when that is narrower, all padded to a common width.
    /// </summary>
    public static string[] Format(IReadOnlyList<double> x, int digits = 7, int nsmall = 0)
    {
        int rgt = 0, left = 1, mxsig = 1, minExp = int.MaxValue, maxExp = int.MinValue;
        bool neg = false, any = false;
        foreach (double v in x)
        {
            if (!double.IsFinite(v)) continue;
            any = true;
            var (sig, exp, negative) = Scientific(v, digits);
            neg |= negative;
            mxsig = Math.Max(mxsig, sig);
            minExp = Math.Min(minExp, exp);
            maxExp = Math.Max(maxExp, exp);
            rgt = Math.Max(rgt, sig - exp - 1);
            left = Math.Max(left, exp + 1);
        }
        var result = new string[x.Count];
        if (!any)
        {
            for (int i = 0; i < x.Count; i++) result[i] = Special(x[i]);
            return PadLeft(result);
        }
        rgt = Math.Max(rgt, 0);
        rgt = Math.Max(rgt, nsmall);
        int widthFixed = (neg ? 1 : 0) + left + (rgt > 0 ? rgt + 1 : 0);
        int expDigits = Math.Max(Math.Abs(minExp), Math.Abs(maxExp)) >= 100 ? 3 : 2;
        int widthSci = (neg ? 1 : 0) + (mxsig > 1 ? mxsig + 1 : mxsig) + 2 + expDigits;
        bool fixedNotation = widthFixed <= widthSci;
        for (int i = 0; i < x.Count; i++)
        {
            double v = x[i];
            if (!double.IsFinite(v))
            {
                result[i] = Special(v);
                continue;
            }
            if (fixedNotation)
            {
                result[i] = v.ToString("F" + rgt, Inv);
                if (result[i].StartsWith('-') && result[i].Trim('-', '0', '.').Length == 0) result[i] = result[i][1..];
            }
            else
            {
                string m = v.ToString((mxsig > 1 ? "0." + new string('0', mxsig - 1) : "0") + "e+" + new string('0', expDigits), Inv);
                result[i] = m;
            }
        }
        return PadLeft(result);
    }

    /// <summary>Significant digits needed (≤ digits) after rounding to <paramref name="digits"/>, the decimal exponent, the sign.</summary>
    private static (int Sig, int Exp, bool Negative) Scientific(double v, int digits)
    {
        if (v == 0) return (1, 0, false);
        double a = Math.Abs(v);
        string e = a.ToString("E" + (digits - 1), Inv); // d.ddddE+xxx, correctly rounded
        int at = e.IndexOf('E');
        int exp = int.Parse(e[(at + 1)..], Inv);
        string mant = e[..at].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        return (Math.Max(1, mant.Length), exp, v < 0);
    }

    private static string Special(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Inf" : double.IsNegativeInfinity(v) ? "-Inf" : "NA";

    private static string[] PadLeft(string[] s)
    {
        int w = s.Length == 0 ? 0 : s.Max(t => t.Length);
        for (int i = 0; i < s.Length; i++) s[i] = s[i].PadLeft(w);
        return s;
    }

    /// <summary>R's <c>print</c> of a named vector (of formatted values): names and values right-aligned in a common width.</summary>
    public static void NamedVector(StringBuilder sb, IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        int w = Math.Max(names.Max(n => n.Length), values.Max(v => v.Length));
        foreach (var n in names) sb.Append(n.PadLeft(w)).Append(' ');
        sb.Append('\n');
        foreach (var v in values) sb.Append(v.PadLeft(w)).Append(' ');
        sb.Append('\n');
    }

    /// <summary>
    /// R's <c>print</c> of a character matrix with <c>quote = FALSE</c>: row names left-aligned, each column as wide as
    /// its widest entry or header; entries and headers right-aligned (<paramref name="right"/>) or left-aligned.
    /// </summary>
    public static void Matrix(StringBuilder sb, IReadOnlyList<string> rowNames, IReadOnlyList<string> columnNames, string[,] cells, bool right)
    {
        int rows = rowNames.Count, cols = columnNames.Count;
        int rw = rows == 0 ? 0 : rowNames.Max(r => r.Length);
        var widths = new int[cols];
        for (int c = 0; c < cols; c++)
        {
            widths[c] = columnNames[c].Length;
            for (int r = 0; r < rows; r++) widths[c] = Math.Max(widths[c], cells[r, c].Length);
        }
        sb.Append(new string(' ', rw));
        for (int c = 0; c < cols; c++) sb.Append(' ').Append(right ? columnNames[c].PadLeft(widths[c]) : columnNames[c].PadRight(widths[c]));
        sb.Append('\n');
        for (int r = 0; r < rows; r++)
        {
            sb.Append(rowNames[r].PadRight(rw));
            for (int c = 0; c < cols; c++) sb.Append(' ').Append(right ? cells[r, c].PadLeft(widths[c]) : cells[r, c].PadRight(widths[c]));
            sb.Append('\n');
        }
    }

    /// <summary>
    /// R's <c>abbreviate(x, minlength)</c> (method "left.kept"), as R's C code: drop, from the right and never a
    /// word's first letter, lower-case vowels ending a word, then any lower-case vowels, then lower-case letters
    /// ending a word, then any lower-case letters, then any characters, until the name is short enough.
    /// </summary>
    public static string Abbreviate(string x, int minLength)
    {
        var b = new StringBuilder(x.Trim());
        if (b.Length <= minLength) return b.ToString();
        static bool Vowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
        bool First(int i) => char.IsWhiteSpace(b[i - 1]);
        bool Last(int i) => !char.IsWhiteSpace(b[i - 1]) && (i + 1 >= b.Length || char.IsWhiteSpace(b[i + 1]));
        var stages = new Func<int, bool>[]
        {
            i => Vowel(b[i]) && Last(i),
            i => Vowel(b[i]) && !First(i),
            i => char.IsLower(b[i]) && Last(i),
            i => char.IsLower(b[i]) && !First(i),
            i => !First(i) && !char.IsWhiteSpace(b[i]),
        };
        foreach (var drop in stages)
        {
            for (int i = b.Length - 1; i > 0; i--)
            {
                if (i < b.Length && drop(i)) b.Remove(i, 1);
                if (b.Length <= minLength) return b.ToString();
            }
        }
        return b.ToString();
    }

    /// <summary>R's <c>quantile(x, type = 7)</c> at the given probabilities.</summary>
    public static double[] Quantiles(IReadOnlyList<double> values, params double[] probs)
    {
        var s = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        var q = new double[probs.Length];
        for (int k = 0; k < probs.Length; k++)
        {
            double h = (s.Length - 1) * probs[k];
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, s.Length - 1);
            q[k] = s[lo] + (h - lo) * (s[hi] - s[lo]);
        }
        return q;
    }

    /// <summary>R's <c>zapsmall(x, digits)</c>: round to max(0, digits − log10(max |x|)) decimals (R rounds that to an integer).</summary>
    public static double[] ZapSmall(IReadOnlyList<double> x, int digits)
    {
        double mx = x.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        int d = mx > 0 ? (int)Math.Floor(Math.Max(0, digits - Math.Log10(mx)) + 0.5) : digits;
        return [.. x.Select(v => Round(v, d))];
    }
}
