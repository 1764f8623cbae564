namespace Multilevel.Reporting.Svg;

public static partial class Plots
{
    /// <summary>
    /// Horizontal box plots of <paramref name="values"/> by group, one row per group (the first at the top). Many
    /// groups stay readable: thin boxes, and only every k-th group labelled when the rows are too close for all.
    /// </summary>
    public static Figure Boxplots(IReadOnlyList<double> values, Grouping groups, string? title = null, string? valueLabel = null,
        string? groupLabel = null, BoxOrder order = BoxOrder.AsGiven)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        return BoxplotPanels([(null, values)], groups, title, valueLabel, groupLabel, order);
    }

    /// <summary>
    /// The tutorial's side-by-side box plots: the raw values by group, and the same values minus their group mean
    /// (the within-group variation), sharing the group axis.
    /// </summary>
    public static Figure BoxplotsRawAndDemeaned(IReadOnlyList<double> values, Grouping groups, string? title = null, string valueName = "y",
        string? groupLabel = null, BoxOrder order = BoxOrder.AsGiven)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        groups.Validate(values.Count, "values");
        double[] demeaned = PlotStatistics.Demean(values, groups.Codes, groups.Count);
        string groupWord = string.IsNullOrEmpty(groupLabel) ? "group" : groupLabel.ToLowerInvariant();
        var fig = BoxplotPanels([("Raw", values), ($"De-meaned (minus the {groupWord} mean)", demeaned)], groups, title, null, groupLabel, order);
        return fig with
        {
            Panels =
            [
                fig.Panels[0] with { X = fig.Panels[0].X with { Label = valueName } },
                fig.Panels[1] with { X = fig.Panels[1].X with { Label = $"{valueName} \u2212 {groupWord} mean" } },
            ],
        };
    }

    /// <summary>Box plots by group in several panels side by side (one value array per panel), sharing the group axis.</summary>
    public static Figure BoxplotPanels(IReadOnlyList<(string? Title, IReadOnlyList<double> Values)> panels, Grouping groups, string? title = null,
        string? valueLabel = null, string? groupLabel = null, BoxOrder order = BoxOrder.AsGiven)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(groups);
        if (panels.Count == 0) throw new PlotDataException("box plots need at least one panel of values");
        foreach (var (_, v) in panels) groups.Validate(v.Count, "the values");
        var rows = groups.RowsByGroup();
        int n = groups.Count;

        // Order from the first panel's statistic; groups without values are left out (and counted).
        var firstStats = new BoxStats?[n];
        for (int g = 0; g < n; g++)
        {
            var vals = Pick(panels[0].Values, rows[g]);
            firstStats[g] = vals.Any(double.IsFinite) ? PlotStatistics.Box(vals) : null;
        }
        var present = Enumerable.Range(0, n).Where(g => firstStats[g] is not null).ToList();
        int empty = n - present.Count;
        if (present.Count == 0) throw new PlotDataException("no group has a finite value to draw");
        if (order == BoxOrder.ByMedian) present = [.. present.OrderByDescending(g => firstStats[g]!.Median).ThenBy(g => g)];
        else if (order == BoxOrder.ByMean) present = [.. present.OrderByDescending(g => firstStats[g]!.Mean).ThenBy(g => g)];
        var categories = present.Select(g => groups.Levels[g]).ToList();

        int m = present.Count;
        double row = Math.Clamp(1100.0 / m, 5, 22);
        double height = Math.Max(320, m * row + 140);
        var charts = new List<Chart>();
        foreach (var (ptitle, values) in panels)
        {
            var boxes = new List<Box>();
            for (int k = 0; k < m; k++)
            {
                var vals = Pick(values, rows[present[k]]);
                if (vals.Any(double.IsFinite)) boxes.Add(new Box(k, PlotStatistics.Box(vals)));
            }
            charts.Add(new Chart
            {
                Title = ptitle,
                X = new Axis { Label = valueLabel },
                Y = new Axis { Label = groupLabel, Categories = categories },
                Layers = [new BoxesLayer(boxes) { Color = Palette.Blue, ShowOutliers = true, Thickness = m > 60 ? 0.72 : 0.6 }],
                Legend = LegendPlacement.None,
            });
        }
        int missing = panels.Sum(p => p.Values.Count(v => !double.IsFinite(v)));
        var notes = new List<string>();
        if (missing > 0) notes.Add(MissingNote(missing));
        if (empty > 0) notes.Add(empty == 1 ? "1 group without values is not shown." : $"{empty} groups without values are not shown.");
        notes.Add("Boxes: quartiles and median; whiskers: most extreme values within 1.5 × IQR; dots: values beyond.");
        return new Figure(charts)
        {
            Title = title,
            Width = panels.Count > 1 ? 900 : 640,
            Height = height,
            ShareY = true,
            Kind = "boxplot",
            Note = string.Join(" ", notes),
        };
    }
}
