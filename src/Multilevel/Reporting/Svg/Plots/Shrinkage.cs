namespace Multilevel.Reporting.Svg;

public static partial class Plots
{
    /// <summary>
    /// Shrinkage plot: each group's no-pooling estimate (open circle; e.g. its own mean or its own regression) and
    /// its partial-pooling estimate (filled; the mixed model's fixed effect plus conditional mode), joined by an arrow,
    /// with the pooled estimate as a dashed line. With <paramref name="groupSizes"/> the horizontal axis is the group
    /// size, which shows that small groups are pulled hardest toward the pooled value; without, the two estimates
    /// stand in two columns.
    /// </summary>
    public static Figure Shrinkage(IReadOnlyList<string> levels, IReadOnlyList<double> noPooling, IReadOnlyList<double> partialPooling,
        double pooled, IReadOnlyList<double>? groupSizes = null, string? title = null, string estimateLabel = "Estimate",
        IReadOnlyList<int>? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(noPooling);
        ArgumentNullException.ThrowIfNull(partialPooling);
        int n = levels.Count;
        SameLength(noPooling.Count, "noPooling", n, "levels");
        SameLength(partialPooling.Count, "partialPooling", n, "levels");
        if (groupSizes is not null) SameLength(groupSizes.Count, "groupSizes", n, "levels");
        double arrowWidth = n > 300 ? 0.6 : 1;
        double opacity = n > 300 ? 0.5 : 0.75;
        double radius = n > 300 ? 1.6 : 2.4;
        var layers = new List<Layer> { new ReferenceLineLayer(AxisDirection.Y, pooled) { Color = Palette.Ink, Width = 1.4, Dash = LineDash.Dashed, Label = "Pooled estimate" } };
        Axis xAxis;
        IReadOnlyList<double> x1, x2;
        if (groupSizes is not null)
        {
            // Nudge the partial-pooling end a little to the right when groups share a size, so arrows stay visible.
            x1 = groupSizes;
            x2 = groupSizes;
            xAxis = new Axis { Label = "Group size (observations)" };
        }
        else
        {
            x1 = Enumerable.Repeat(0.0, n).ToList();
            x2 = Enumerable.Repeat(1.0, n).ToList();
            xAxis = new Axis { Min = -0.35, Max = 1.35, Ticks = [0, 1], TickLabels = ["No pooling", "Partial pooling"], Grid = false };
        }
        layers.Add(new SegmentsLayer(x1, noPooling, x2, partialPooling) { Color = Palette.Blue, Width = arrowWidth, Opacity = opacity, Arrow = groupSizes is not null });
        layers.Add(new PointsLayer(x1, noPooling) { Shape = MarkerShape.Circle, Color = Palette.Secondary, Radius = radius + 0.6, Label = "No pooling" });
        layers.Add(new PointsLayer(x2, partialPooling) { Color = Palette.Blue, Radius = radius, Label = "Partial pooling", Opacity = 0.9 });
        if (highlight is { Count: > 0 })
        {
            foreach (int h in highlight) if (h < 0 || h >= n) throw new PlotDataException($"highlighted level {h} is outside the {n} levels");
            layers.Add(new TextLayer(highlight.Select(h => x2[h]).ToList(), highlight.Select(h => partialPooling[h]).ToList(), highlight.Select(h => levels[h]).ToList())
            {
                Color = Palette.Vermillion,
            });
        }
        var chart = new Chart { X = xAxis, Y = new Axis { Label = estimateLabel }, Layers = layers };
        return new Figure(chart)
        {
            Title = title,
            Kind = "shrinkage",
            Note = "Arrows run from each group's own estimate (no pooling) to its mixed-model estimate (partial pooling).",
        };
    }

    /// <summary>
    /// Shrinkage of two coefficients at once (e.g. intercept and slope): arrows from each group's own fit to its
    /// mixed-model estimate, and the pooled (fixed-effect) estimate marked.
    /// </summary>
    public static Figure Shrinkage2D(IReadOnlyList<string> levels, IReadOnlyList<double> noPoolingX, IReadOnlyList<double> noPoolingY,
        IReadOnlyList<double> partialX, IReadOnlyList<double> partialY, double pooledX, double pooledY, string xLabel = "Intercept",
        string yLabel = "Slope", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        int n = levels.Count;
        SameLength(noPoolingX.Count, "noPoolingX", n, "levels");
        SameLength(noPoolingY.Count, "noPoolingY", n, "levels");
        SameLength(partialX.Count, "partialX", n, "levels");
        SameLength(partialY.Count, "partialY", n, "levels");
        var layers = new List<Layer>
        {
            new SegmentsLayer(noPoolingX, noPoolingY, partialX, partialY) { Color = Palette.Blue, Width = n > 300 ? 0.6 : 1, Opacity = 0.6, Arrow = true },
            new PointsLayer(noPoolingX, noPoolingY) { Shape = MarkerShape.Circle, Color = Palette.Secondary, Radius = 2.6, Label = "No pooling" },
            new PointsLayer(partialX, partialY) { Color = Palette.Blue, Radius = 2.2, Label = "Partial pooling", Opacity = 0.9 },
            new PointsLayer([pooledX], [pooledY]) { Color = Palette.Vermillion, Radius = 5, Label = "Pooled (fixed effects)" },
        };
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart) { Title = title, Kind = "shrinkage-2d" };
    }
}
