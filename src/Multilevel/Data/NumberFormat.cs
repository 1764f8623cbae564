using System.Globalization;

namespace Multilevel.Data;

/// <summary>Formats numbers the way R prints them in factor levels and names (shortest round-trip form).</summary>
public static class NumberFormat
{
    /// <summary>Shortest text that round-trips, with R's conventions: integers without a decimal point,
    /// "Inf", "-Inf", "NaN".</summary>
    public static string R(double value)
    {
        if (double.IsPositiveInfinity(value)) return "Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (double.IsNaN(value)) return "NaN";
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
