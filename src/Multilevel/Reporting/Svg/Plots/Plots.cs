namespace Multilevel.Reporting.Svg;

/// <summary>
/// The plot kinds of a multilevel analysis, each a function from plain arrays and records to a <see cref="Figure"/>
/// (call <see cref="Figure.ToSvg"/> for the SVG text, or hand the figure to the HTML report). Nothing here knows
/// about model classes: a model passes its coefficients, conditional modes and residuals as numbers.
/// </summary>
public static partial class Plots
{
    /// <summary>Marker radius and opacity that keep a scatter of <paramref name="n"/> points readable.</summary>
    internal static (double Radius, double Opacity) PointStyle(int n) => n switch
    {
        > 3000 => (1.3, 0.45),
        > 1000 => (1.6, 0.55),
        > 300 => (2.0, 0.7),
        _ => (2.6, 0.85),
    };

    internal static string MissingNote(int missing) =>
        missing == 1 ? "1 missing or non-finite value is left out." : $"{missing} missing or non-finite values are left out.";

    internal static void SameLength(int a, string nameA, int b, string nameB)
    {
        if (a != b) throw new PlotDataException($"{nameA} has {a} values but {nameB} has {b}; they must be parallel arrays");
    }

    internal static double[] Pick(IReadOnlyList<double> values, List<int> rows)
    {
        var r = new double[rows.Count];
        for (int i = 0; i < r.Length; i++) r[i] = values[rows[i]];
        return r;
    }

    internal static (double Min, double Max) FiniteRange(IReadOnlyList<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        return (lo, hi);
    }

    internal static AbLineLayer ToLayer(FittedLine line, int index, double width = 2.2) => new(line.Intercept, line.Slope)
    {
        Label = line.Label,
        Color = line.Color ?? Palette.At(index),
        Dash = line.Dash,
        From = line.From,
        To = line.To,
        Width = width,
    };
}
