using System.Globalization;

namespace Multilevel.Cli.Commands.Inference;

/// <summary>Number formatting for the inference tables: R's <c>format.pval</c>, significance stars, significant digits.</summary>
internal static class TextFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A p-value as R prints it in coefficient tables: "&lt; 2.2e-16" below machine precision, else 4 significant digits.</summary>
    public static string PValue(double p)
    {
        if (double.IsNaN(p)) return "";
        if (p < 2.2e-16) return "< 2.2e-16";
        return Significant(p, 4);
    }

    /// <summary>R's significance stars.</summary>
    public static string Stars(double p) => double.IsNaN(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";

    /// <summary>The legend of the stars.</summary>
    public const string StarLegend = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

    /// <summary><paramref name="digits"/> significant digits (scientific notation below 1e-4 or from 1e15).</summary>
    public static string Significant(double value, int digits)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "Inf" : "-Inf";
        if (value == 0) return "0";
        double a = Math.Abs(value);
        if (a < 1e-4 || a >= 1e15) return value.ToString("0." + new string('#', Math.Max(0, digits - 1)) + "e+00", Invariant);
        int magnitude = (int)Math.Floor(Math.Log10(a));
        int decimals = Math.Max(0, digits - 1 - magnitude);
        return Math.Round(value, Math.Min(decimals, 15)).ToString("F" + decimals, Invariant);
    }

    /// <summary>Fixed decimals.</summary>
    public static string Fixed(double value, int decimals) => double.IsNaN(value) ? "NaN" : value.ToString("F" + decimals, Invariant);

    /// <summary>Right-aligned columns: each row's cells padded to the widest cell of their column (first column left-aligned).</summary>
    public static string Table(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        int columns = header.Count;
        var widths = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            widths[c] = header[c].Length;
            foreach (var r in rows) widths[c] = Math.Max(widths[c], r[c].Length);
        }
        var sb = new System.Text.StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (int c = 0; c < columns; c++)
            {
                if (c == 0) sb.Append(cells[c].PadRight(widths[c]));
                else sb.Append(' ').Append(cells[c].PadLeft(widths[c]));
            }
            sb.Append('\n');
        }
        Line(header);
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }
}
