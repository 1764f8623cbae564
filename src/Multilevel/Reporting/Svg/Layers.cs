namespace Multilevel.Reporting.Svg;

/// <summary>Marker shapes for points.</summary>
public enum MarkerShape
{
    /// <summary>A filled disc.</summary>
    Disc,
    /// <summary>An open circle (outline only).</summary>
    Circle,
}

/// <summary>Line dash patterns.</summary>
public enum LineDash
{
    /// <summary>Solid.</summary>
    Solid,
    /// <summary>Dashed.</summary>
    Dashed,
    /// <summary>Dotted.</summary>
    Dotted,
}

/// <summary>Which axis a layer's values lie along (for rugs and reference lines).</summary>
public enum AxisDirection
{
    /// <summary>The horizontal axis.</summary>
    X,
    /// <summary>The vertical axis.</summary>
    Y,
}

/// <summary>
/// One drawn element of a chart, in data coordinates. A layer with a <see cref="Label"/> gets a legend entry.
/// Non-finite values (NaN = missing) are not drawn and are counted in the figure's note.
/// </summary>
public abstract record Layer
{
    /// <summary>Legend text; null for no legend entry.</summary>
    public string? Label { get; init; }

    /// <summary>Colour (CSS colour text, e.g. "#0072B2").</summary>
    public string Color { get; init; } = Palette.Blue;

    /// <summary>Opacity in [0, 1].</summary>
    public double Opacity { get; init; } = 1;

    /// <summary>For a line, show a point marker on its legend glyph too (a group drawn as points and a line).</summary>
    public bool LegendMarker { get; init; }
}

/// <summary>Points (x[i], y[i]).</summary>
public sealed record PointsLayer(IReadOnlyList<double> X, IReadOnlyList<double> Y) : Layer
{
    /// <summary>Marker radius in pixels.</summary>
    public double Radius { get; init; } = 2;

    /// <summary>Marker shape.</summary>
    public MarkerShape Shape { get; init; } = MarkerShape.Disc;
}

/// <summary>A polyline through (x[i], y[i]) in the given order; a non-finite value breaks the line.</summary>
public sealed record LineLayer(IReadOnlyList<double> X, IReadOnlyList<double> Y) : Layer
{
    /// <summary>Stroke width in pixels.</summary>
    public double Width { get; init; } = 2;

    /// <summary>Dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;
}

/// <summary>The straight line y = intercept + slope·x, drawn over [<see cref="From"/>, <see cref="To"/>] or the whole x axis.</summary>
public sealed record AbLineLayer(double Intercept, double Slope) : Layer
{
    /// <summary>Left end in data units; null for the left edge of the axis.</summary>
    public double? From { get; init; }

    /// <summary>Right end in data units; null for the right edge of the axis.</summary>
    public double? To { get; init; }

    /// <summary>Stretch the vertical axis to show the whole line (false: the line is cut at the data's range, as R's <c>abline</c>).</summary>
    public bool AffectsLimits { get; init; } = true;

    /// <summary>Stroke width in pixels.</summary>
    public double Width { get; init; } = 2;

    /// <summary>Dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;
}

/// <summary>Line segments from (x1[i], y1[i]) to (x2[i], y2[i]), optionally with an arrow head at the second end.</summary>
public sealed record SegmentsLayer(IReadOnlyList<double> X1, IReadOnlyList<double> Y1, IReadOnlyList<double> X2, IReadOnlyList<double> Y2) : Layer
{
    /// <summary>Stroke width in pixels.</summary>
    public double Width { get; init; } = 1;

    /// <summary>Dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;

    /// <summary>Draw an arrow head at (x2, y2).</summary>
    public bool Arrow { get; init; }
}

/// <summary>A horizontal (<see cref="AxisDirection.Y"/>) or vertical (<see cref="AxisDirection.X"/>) reference line at <see cref="Value"/>.</summary>
public sealed record ReferenceLineLayer(AxisDirection Axis, double Value) : Layer
{
    /// <summary>Stroke width in pixels.</summary>
    public double Width { get; init; } = 1;

    /// <summary>Dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Dashed;
}

/// <summary>Summary of one box in a box plot.</summary>
/// <param name="Position">Position on the categorical axis (0-based category index).</param>
/// <param name="Stats">The five numbers and the outliers.</param>
public sealed record Box(double Position, BoxStats Stats);

/// <summary>Box plots drawn along the value axis <see cref="ValueAxis"/> (X: horizontal boxes, as for many groups).</summary>
public sealed record BoxesLayer(IReadOnlyList<Box> Boxes) : Layer
{
    /// <summary>The axis that carries the values; the other axis carries the categories.</summary>
    public AxisDirection ValueAxis { get; init; } = AxisDirection.X;

    /// <summary>Box thickness as a fraction of the space per category.</summary>
    public double Thickness { get; init; } = 0.7;

    /// <summary>Draw the outliers (beyond 1.5 IQR) as points.</summary>
    public bool ShowOutliers { get; init; } = true;

    /// <summary>Mark the mean with a small tick as well as the median line.</summary>
    public bool ShowMean { get; init; }
}

/// <summary>A filled area between the curve (x[i], y[i]) and the horizontal line y = <see cref="Baseline"/>.</summary>
public sealed record AreaLayer(IReadOnlyList<double> X, IReadOnlyList<double> Y) : Layer
{
    /// <summary>Level the area is filled down (or up) to.</summary>
    public double Baseline { get; init; }

    /// <summary>Opacity of the fill (the outline uses <see cref="Layer.Opacity"/>).</summary>
    public double FillOpacity { get; init; } = 0.25;

    /// <summary>Outline width in pixels (0 for none).</summary>
    public double Width { get; init; } = 1.5;
}

/// <summary>A rug: one short tick per value along the edge of the plotting area.</summary>
public sealed record RugLayer(IReadOnlyList<double> Values) : Layer
{
    /// <summary>Axis along which the values lie (ticks stand on the bottom edge for X, the left edge for Y).</summary>
    public AxisDirection Axis { get; init; } = AxisDirection.X;

    /// <summary>Tick length in pixels.</summary>
    public double Length { get; init; } = 8;
}

/// <summary>Text labels at data positions, e.g. the names of highlighted groups. Overlapping labels are pushed apart vertically.</summary>
public sealed record TextLayer(IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<string> Texts) : Layer
{
    /// <summary>Font size in pixels.</summary>
    public double FontSize { get; init; } = 11;

    /// <summary>Horizontal offset from the point in pixels (positive: text starts to the right).</summary>
    public double OffsetX { get; init; } = 5;

    /// <summary>Anchor: "start", "middle" or "end".</summary>
    public string Anchor { get; init; } = "start";
}
