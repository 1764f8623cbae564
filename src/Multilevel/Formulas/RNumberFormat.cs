using System.Globalization;

namespace Multilevel.Formulas;

/// <summary>
/// Numbers as R writes them in deparsed expressions and in <c>as.character</c> (hence in factor levels
/// made from numbers and in model-matrix column names): at most 15 significant digits, as few as needed,
/// in fixed notation unless scientific notation is narrower (<c>1e+05</c>, <c>0.001</c>, <c>1e-04</c>).
/// </summary>
public static class RNumberFormat
{
    /// <summary>The text R gives for <paramref name="value"/>.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == 0) return "0";
        bool negative = value < 0;
        double a = Math.Abs(value);
        // 15 significant digits, correctly rounded: d.dddddddddddddde±x
        string e = a.ToString("E14", CultureInfo.InvariantCulture);
        int ePos = e.IndexOf('E', StringComparison.Ordinal);
        string digits = string.Concat(e.AsSpan(0, 1), e.AsSpan(2, ePos - 2)).TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        int exponent = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int sig = digits.Length;

        int fixedWidth;
        if (exponent >= 0)
        {
            int decimals = Math.Max(0, sig - (exponent + 1));
            fixedWidth = exponent + 1 + (decimals > 0 ? decimals + 1 : 0);
        }
        else
        {
            int decimals = sig - exponent - 1;
            fixedWidth = 2 + decimals;
        }
        int exponentDigits = Math.Max(2, Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).Length);
        int sciWidth = sig + (sig > 1 ? 1 : 0) + 2 + exponentDigits;

        string body;
        if (fixedWidth <= sciWidth)
        {
            if (exponent >= 0)
            {
                body = sig <= exponent + 1
                    ? digits + new string('0', exponent + 1 - sig)
                    : digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
            }
            else
            {
                body = "0." + new string('0', -exponent - 1) + digits;
            }
        }
        else
        {
            string mantissa = sig > 1 ? digits[..1] + "." + digits[1..] : digits;
            string exp = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).PadLeft(2, '0');
            body = $"{mantissa}e{(exponent < 0 ? '-' : '+')}{exp}";
        }
        return negative ? "-" + body : body;
    }
}
