namespace Multilevel.Reporting.Svg;

/// <summary>Where a chart's legend goes.</summary>
public enum LegendPlacement
{
    /// <summary>Inside the plotting area, in the corner that hides the fewest drawn elements.</summary>
    Best,
    /// <summary>Inside, top left.</summary>
    TopLeft,
    /// <summary>Inside, top right.</summary>
    TopRight,
    /// <summary>Inside, bottom left.</summary>
    BottomLeft,
    /// <summary>Inside, bottom right.</summary>
    BottomRight,
    /// <summary>Below the chart, entries side by side.</summary>
    Below,
    /// <summary>No legend.</summary>
    None,
}

/// <summary>
/// One axis of a chart. Numeric by default: its range covers the data (padded by <see cref="Padding"/>) unless
/// <see cref="Min"/>/<see cref="Max"/> fix it, with ticks from <see cref="NiceTicks"/>. With <see cref="Categories"/>
/// it is categorical: category i sits at position i (the first category at the top of a vertical axis).
/// </summary>
public sealed record Axis
{
    /// <summary>Axis title.</summary>
    public string? Label { get; init; }

    /// <summary>Fixed lower limit, or null to fit the data.</summary>
    public double? Min { get; init; }

    /// <summary>Fixed upper limit, or null to fit the data.</summary>
    public double? Max { get; init; }

    /// <summary>Fraction of the data range added at each end when the limits are fitted.</summary>
    public double Padding { get; init; } = 0.04;

    /// <summary>Stretch the fitted range to include zero.</summary>
    public bool IncludeZero { get; init; }

    /// <summary>Category names for a categorical axis; null for a numeric axis.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Categories whose labels are always shown (and drawn bold) when there are too many to label them all.</summary>
    public IReadOnlyList<int>? EmphasisedCategories { get; init; }

    /// <summary>Show category labels at all (false for, say, a thousand levels).</summary>
    public bool ShowCategoryLabels { get; init; } = true;

    /// <summary>Draw grid lines at the ticks.</summary>
    public bool Grid { get; init; } = true;

    /// <summary>Fixed tick values instead of chosen ones (numeric axes); labels are formatted as usual.</summary>
    public IReadOnlyList<double>? Ticks { get; init; }

    /// <summary>Text for fixed ticks, parallel to <see cref="Ticks"/> (for a two-column axis such as "no pooling" / "partial pooling").</summary>
    public IReadOnlyList<string>? TickLabels { get; init; }
}

/// <summary>One panel: two axes and the layers drawn on them.</summary>
public sealed record Chart
{
    /// <summary>Panel title (above the panel); the figure has its own title.</summary>
    public string? Title { get; init; }

    /// <summary>Horizontal axis.</summary>
    public Axis X { get; init; } = new();

    /// <summary>Vertical axis.</summary>
    public Axis Y { get; init; } = new();

    /// <summary>Layers, drawn in order (later ones on top).</summary>
    public IReadOnlyList<Layer> Layers { get; init; } = [];

    /// <summary>Legend placement; only layers with a label appear in it.</summary>
    public LegendPlacement Legend { get; init; } = LegendPlacement.Best;
}

/// <summary>
/// A whole figure: a title, one or more panels side by side, and an optional note below. <see cref="ToSvg"/>
/// writes it as a standalone, accessible SVG document (role="img", &lt;title&gt; and &lt;desc&gt;), byte for byte
/// the same for the same input.
/// </summary>
public sealed record Figure
{
    /// <summary>Creates a figure with one or more panels.</summary>
    public Figure(params IReadOnlyList<Chart> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("a figure needs at least one panel", nameof(panels));
        Panels = panels;
    }

    /// <summary>Panels, laid out left to right.</summary>
    public IReadOnlyList<Chart> Panels { get; init; }

    /// <summary>Figure title.</summary>
    public string? Title { get; init; }

    /// <summary>Second title line.</summary>
    public string? Subtitle { get; init; }

    /// <summary>Text description for screen readers (&lt;desc&gt;); a summary of the layers is used when null.</summary>
    public string? Description { get; init; }

    /// <summary>A note printed under the figure (e.g. how many points were not drawn and why).</summary>
    public string? Note { get; init; }

    /// <summary>Width in pixels.</summary>
    public double Width { get; init; } = 760;

    /// <summary>Height in pixels.</summary>
    public double Height { get; init; } = 460;

    /// <summary>What kind of plot this is ("scatter", "caterpillar" …), written as the SVG's <c>data-kind</c> attribute.</summary>
    public string? Kind { get; init; }

    /// <summary>Panels share the vertical axis: only the first panel draws its labels (side-by-side box plots, caterpillars).</summary>
    public bool ShareY { get; init; }

    /// <summary>Writes the figure as SVG. <paramref name="idPrefix"/> makes its element ids unique when several figures share one HTML page.</summary>
    public string ToSvg(string idPrefix = "mlm-fig") => Internals.SvgRenderer.Render(this, idPrefix);

    /// <summary>Writes the figure to <paramref name="path"/> as a standalone SVG file (UTF-8, no byte-order mark).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ToSvg(), new System.Text.UTF8Encoding(false));
    }
}
