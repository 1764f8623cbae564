namespace Multilevel.Reporting.Svg.Internals;

/// <summary>
/// Estimated text widths for layout (no font is available to measure with). The per-character widths are those
/// of a typical humanist sans-serif (DejaVu Sans, Liberation Sans) in ems, rounded up so labels rather overlap less.
/// </summary>
internal static class TextMetrics
{
    public const string FontFamily = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

    public static double Width(string? text, double fontSize, bool bold = false)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        double em = 0;
        foreach (char c in text)
        {
            em += c switch
            {
                'i' or 'l' or '.' or ',' or ':' or ';' or '|' or '!' or '\'' or '`' or 'I' or 'j' => 0.30,
                'f' or 'r' or 't' or '(' or ')' or '[' or ']' or '{' or '}' or ' ' or '/' or '\\' or '-' => 0.40,
                'm' or 'w' or 'M' or 'W' or '@' or '%' => 0.88,
                >= 'A' and <= 'Z' => 0.70,
                >= '0' and <= '9' => 0.62,
                >= 'a' and <= 'z' => 0.58,
                '\u2212' or '+' or '=' or '<' or '>' or '~' or '×' => 0.80,
                _ => 0.65,
            };
        }
        return em * fontSize * (bold ? 1.08 : 1.0);
    }

    /// <summary>Shortens <paramref name="text"/> with an ellipsis so that it fits in <paramref name="maxWidth"/> pixels.</summary>
    public static string Truncate(string text, double fontSize, double maxWidth)
    {
        if (Width(text, fontSize) <= maxWidth) return text;
        for (int n = text.Length - 1; n > 1; n--)
        {
            string t = text[..n].TrimEnd() + "…";
            if (Width(t, fontSize) <= maxWidth) return t;
        }
        return text[..1] + "…";
    }

    /// <summary>Breaks <paramref name="text"/> into lines of at most <paramref name="maxWidth"/> pixels at spaces.</summary>
    public static List<string> Wrap(string text, double fontSize, double maxWidth)
    {
        var lines = new List<string>();
        foreach (string paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && Width(candidate, fontSize) > maxWidth)
                {
                    lines.Add(line);
                    line = word;
                }
                else line = candidate;
            }
            lines.Add(line);
        }
        return lines;
    }
}
