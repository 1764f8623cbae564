using System.Globalization;
using System.Text;

namespace Multilevel.Reporting.Svg.Internals;

/// <summary>Number and text formatting for SVG output: invariant culture, fixed decimals, no "-0", XML escaping.</summary>
internal static class SvgFormat
{
    /// <summary>A coordinate with at most <paramref name="decimals"/> decimals, trailing zeros removed.</summary>
    public static string Num(double value, int decimals = 2)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "SVG coordinates must be finite");
        double r = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        if (r == 0) return "0"; // also turns -0 into 0
        string s = r.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (s.Contains('.', StringComparison.Ordinal)) s = s.TrimEnd('0').TrimEnd('.');
        return s;
    }

    /// <summary>Appends <paramref name="value"/> formatted as by <see cref="Num"/>.</summary>
    public static StringBuilder AppendNum(this StringBuilder sb, double value, int decimals = 2) => sb.Append(Num(value, decimals));

    /// <summary>Escapes text for an XML text node or a double-quoted attribute value.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? rep = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            // Control characters other than tab, CR and LF are not allowed in XML 1.0: replace them.
            if (rep is null && c < 0x20 && c != '\t' && c != '\n' && c != '\r') rep = "\uFFFD";
            if (rep is null && char.IsSurrogate(c))
            {
                bool paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
                if (paired)
                {
                    sb?.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                rep = "\uFFFD";
            }
            if (rep is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(rep);
        }
        return sb?.ToString() ?? text;
    }
}
