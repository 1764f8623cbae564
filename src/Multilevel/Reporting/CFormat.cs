using System.Globalization;

namespace Multilevel.Reporting;

/// <summary>
/// C printf conversions (<c>%f</c>, <c>%e</c>, <c>%g</c>, with the <c>#</c> flag and a field width), as Python's
/// <c>%</c> operator applies them in statsmodels' summaries. Infinite and missing values print as
/// <c>inf</c>, <c>-inf</c>, <c>nan</c>.
/// </summary>
public static class CFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary><c>%{width}.{precision}f</c>.</summary>
    public static string F(double x, int precision, int width = 0) =>
        Pad(Special(x) ?? x.ToString("F" + precision, Inv), width);

    /// <summary><c>%{width}.{precision}e</c> (exponent with at least two digits).</summary>
    public static string E(double x, int precision, int width = 0) =>
        Pad(Special(x) ?? Exponential(x, precision), width);

    /// <summary><c>%{#}{width}.{precision}g</c>: the shorter of %e and %f for the given significant digits;
    /// with <paramref name="alternate"/> (<c>#</c>) trailing zeros and the decimal point are kept.</summary>
    public static string G(double x, int precision, int width = 0, bool alternate = false)
    {
        var special = Special(x);
        if (special is not null) return Pad(special, width);
        int p = precision == 0 ? 1 : precision;
        string text;
        if (x == 0)
        {
            text = alternate ? "0." + new string('0', p - 1) : "0";
            if (alternate && p == 1) text = "0.";
            if (double.IsNegative(x)) text = "-" + text;
            return Pad(text, width);
        }
        // Exponent after rounding to p significant digits.
        string e = x.ToString("E" + (p - 1), Inv);
        int exp = int.Parse(e[(e.IndexOf('E') + 1)..], Inv);
        if (exp < -4 || exp >= p)
        {
            text = Exponential(x, p - 1);
            if (!alternate) text = StripExponentZeros(text);
        }
        else
        {
            text = x.ToString("F" + (p - 1 - exp), Inv);
            if (alternate)
            {
                if (!text.Contains('.')) text += ".";
            }
            else if (text.Contains('.'))
            {
                text = text.TrimEnd('0').TrimEnd('.');
            }
        }
        return Pad(text, width);
    }

    /// <summary><c>%{width}d</c> of an integer.</summary>
    public static string D(long x, int width = 0) => Pad(x.ToString(Inv), width);

    private static string Exponential(double x, int digits)
    {
        string e = x.ToString((digits == 0 ? "0" : "0." + new string('0', digits)) + "e+00", Inv);
        return e;
    }

    private static string StripExponentZeros(string text)
    {
        int at = text.IndexOf('e');
        string mant = text[..at], rest = text[at..];
        if (mant.Contains('.')) mant = mant.TrimEnd('0').TrimEnd('.');
        return mant + rest;
    }

    private static string? Special(double x) =>
        double.IsNaN(x) ? "nan" : double.IsPositiveInfinity(x) ? "inf" : double.IsNegativeInfinity(x) ? "-inf" : null;

    private static string Pad(string s, int width) => s.Length >= width ? s : s.PadLeft(width);

    /// <summary>statsmodels' <c>forg</c>: <c>%9.3f</c> (prec 3) or <c>%10.4f</c> (prec 4), switching to
    /// <c>%g</c> for |x| ≥ 1e4 or |x| &lt; 1e-4.</summary>
    public static string Forg(double x, int prec = 3)
    {
        int width = prec == 4 ? 10 : 9;
        double a = Math.Abs(x);
        return a >= 1e4 || a < 1e-4 ? G(x, prec, width) : F(x, prec, width);
    }
}
