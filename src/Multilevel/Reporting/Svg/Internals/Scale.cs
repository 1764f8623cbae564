namespace Multilevel.Reporting.Svg.Internals;

/// <summary>A linear map from data units to pixels.</summary>
internal readonly record struct Scale(double DataMin, double DataMax, double PixelMin, double PixelMax)
{
    public double Map(double v) => PixelMin + (v - DataMin) / (DataMax - DataMin) * (PixelMax - PixelMin);

    public double PixelsPerUnit => Math.Abs((PixelMax - PixelMin) / (DataMax - DataMin));

    public double Lo => Math.Min(DataMin, DataMax);

    public double Hi => Math.Max(DataMin, DataMax);
}

/// <summary>Running minimum and maximum of finite values.</summary>
internal struct Extent
{
    public double Min;
    public double Max;
    public bool Any;

    public void Add(double v)
    {
        if (!double.IsFinite(v)) return;
        if (!Any) { Min = Max = v; Any = true; return; }
        if (v < Min) Min = v;
        if (v > Max) Max = v;
    }

    public void Add(IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++) Add(values[i]);
    }

    public void Add(Extent other)
    {
        if (!other.Any) return;
        Add(other.Min);
        Add(other.Max);
    }
}

/// <summary>One axis, resolved: its scale, the tick positions and their labels.</summary>
internal sealed class ResolvedAxis
{
    public required Axis Spec { get; init; }
    public required double Lo { get; init; }
    public required double Hi { get; init; }
    public bool Categorical => Spec.Categories is not null;
    public List<(double Value, string Text, bool Emphasised)> Labels { get; } = [];
    public List<double> GridValues { get; } = [];
    public double LabelFontSize { get; set; } = 11;
    public Scale Scale { get; set; }
}
