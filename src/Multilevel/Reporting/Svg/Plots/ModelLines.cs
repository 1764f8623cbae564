namespace Multilevel.Reporting.Svg;

public static partial class Plots
{
    /// <summary>
    /// The tutorial's model-comparison plot: every observation (light), the group means (x̄_j, ȳ_j), and the straight
    /// lines of several models on one plot — e.g. total (OLS on all rows), between (OLS on the group means), within
    /// (fixed effects / de-meaned) and random effects. The lines come from the caller's fits, in the order given.
    /// </summary>
    public static Figure ModelComparison(IReadOnlyList<double> x, IReadOnlyList<double> y, Grouping groups, IReadOnlyList<FittedLine> lines,
        string? title = null, string? xLabel = null, string? yLabel = null, string pointsLabel = "Observations", string meansLabel = "Group means")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(lines);
        SameLength(x.Count, "x", y.Count, "y");
        groups.Validate(x.Count, "x");
        // A group mean needs both coordinates: use only rows where x and y are finite.
        var keepX = new double[x.Count];
        var keepY = new double[y.Count];
        for (int i = 0; i < x.Count; i++)
        {
            bool ok = double.IsFinite(x[i]) && double.IsFinite(y[i]);
            keepX[i] = ok ? x[i] : double.NaN;
            keepY[i] = ok ? y[i] : double.NaN;
        }
        double[] mx = PlotStatistics.GroupMeans(keepX, groups.Codes, groups.Count);
        double[] my = PlotStatistics.GroupMeans(keepY, groups.Codes, groups.Count);
        var gx = new List<double>();
        var gy = new List<double>();
        for (int g = 0; g < groups.Count; g++) if (double.IsFinite(mx[g]) && double.IsFinite(my[g])) { gx.Add(mx[g]); gy.Add(my[g]); }
        var (radius, opacity) = PointStyle(x.Count);
        var layers = new List<Layer>
        {
            new PointsLayer(x, y) { Label = pointsLabel, Color = Palette.Muted, Radius = radius, Opacity = Math.Min(0.6, opacity + 0.1) },
            new PointsLayer(gx, gy) { Label = meansLabel, Color = Palette.Vermillion, Radius = 3, Opacity = 0.9 },
        };
        for (int i = 0; i < lines.Count; i++) layers.Add(ToLayer(lines[i], i, 2.4));
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart) { Title = title, Kind = "model-comparison" };
    }

    /// <summary>
    /// Each group's observations and fitted line. With <paramref name="highlights"/>, those groups are drawn in colour
    /// with a legend entry (e.g. the max- and min-SES schools, or prototypical Catholic and public schools) and every
    /// other group in light grey; without, every group gets a thin line in a repeating colour. A group's line spans
    /// the range of its own x values.
    /// </summary>
    public static Figure GroupLines(IReadOnlyList<double> x, IReadOnlyList<double> y, Grouping groups, IReadOnlyList<GroupLine> lines,
        IReadOnlyList<GroupHighlight>? highlights = null, string? title = null, string? xLabel = null, string? yLabel = null,
        bool showOtherLines = true, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(lines);
        SameLength(x.Count, "x", y.Count, "y");
        groups.Validate(x.Count, "x");
        foreach (var l in lines) if (l.Group < 0 || l.Group >= groups.Count) throw new PlotDataException($"a group line refers to group {l.Group}, outside the {groups.Count} levels");
        var rows = groups.RowsByGroup();
        var lineOf = new Dictionary<int, GroupLine>();
        foreach (var l in lines) lineOf[l.Group] = l;
        var highlighted = new Dictionary<int, (int Index, string Label)>();
        if (highlights is not null)
        {
            for (int i = 0; i < highlights.Count; i++)
            {
                var h = highlights[i];
                if (h.Group < 0 || h.Group >= groups.Count) throw new PlotDataException($"highlighted group {h.Group} is outside the {groups.Count} levels");
                highlighted[h.Group] = (i, h.Label);
            }
        }
        (double Lo, double Hi) GroupRange(int g) => FiniteRange(Pick(x, rows[g]));
        var layers = new List<Layer>();
        var (radius, opacity) = PointStyle(x.Count);
        if (highlighted.Count > 0)
        {
            var others = Enumerable.Range(0, x.Count).Where(i => groups.Codes[i] >= 0 && !highlighted.ContainsKey(groups.Codes[i])).ToList();
            layers.Add(new PointsLayer(Pick(x, others), Pick(y, others)) { Color = Palette.Muted, Radius = radius, Opacity = opacity });
            if (showOtherLines) layers.Add(GroupSegments(lines.Where(l => !highlighted.ContainsKey(l.Group)), GroupRange, Palette.Muted, 0.8, 0.9, null));
            foreach (var (g, (index, label)) in highlighted.OrderBy(kv => kv.Value.Index))
            {
                string color = Palette.At(index);
                layers.Add(new PointsLayer(Pick(x, rows[g]), Pick(y, rows[g])) { Color = color, Radius = Math.Max(radius, 2.6), Opacity = 0.9 });
                if (lineOf.TryGetValue(g, out var gl))
                {
                    var (lo, hi) = GroupRange(g);
                    if (double.IsFinite(lo)) layers.Add(new AbLineLayer(gl.Intercept, gl.Slope) { From = lo, To = hi, Color = color, Width = 2.6, Label = label, LegendMarker = true });
                }
            }
        }
        else
        {
            int colours = Palette.Qualitative.Count;
            for (int c = 0; c < colours; c++)
            {
                var rs = new List<int>();
                for (int g = c; g < groups.Count; g += colours) rs.AddRange(rows[g]);
                rs.Sort();
                if (rs.Count > 0) layers.Add(new PointsLayer(Pick(x, rs), Pick(y, rs)) { Color = Palette.At(c), Radius = radius, Opacity = opacity * 0.8 });
            }
            for (int c = 0; c < colours; c++)
            {
                var ls = lines.Where(l => l.Group % colours == c).ToList();
                if (ls.Count > 0) layers.Add(GroupSegments(ls, GroupRange, Palette.At(c), groups.Count > 30 ? 1 : 1.6, 0.9, null));
            }
        }
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart)
        {
            Title = title,
            Subtitle = subtitle,
            Kind = "group-lines",
            Note = highlighted.Count == 0 && groups.Count > Palette.Qualitative.Count ? $"{groups.Count} groups in {Palette.Qualitative.Count} colours: colours repeat." : null,
        };
    }

    private static SegmentsLayer GroupSegments(IEnumerable<GroupLine> lines, Func<int, (double Lo, double Hi)> range, string color, double width, double opacity, string? label)
    {
        var x1 = new List<double>();
        var y1 = new List<double>();
        var x2 = new List<double>();
        var y2 = new List<double>();
        foreach (var l in lines)
        {
            var (lo, hi) = range(l.Group);
            if (!double.IsFinite(lo)) continue;
            x1.Add(lo);
            y1.Add(l.Intercept + l.Slope * lo);
            x2.Add(hi);
            y2.Add(l.Intercept + l.Slope * hi);
        }
        return new SegmentsLayer(x1, y1, x2, y2) { Color = color, Width = width, Opacity = opacity, Label = label };
    }
}
