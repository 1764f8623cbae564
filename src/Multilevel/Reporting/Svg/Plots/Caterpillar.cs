namespace Multilevel.Reporting.Svg;

public static partial class Plots
{
    /// <summary>
    /// Caterpillar plot of conditional modes: for every level, the estimate and its interval estimate ± z·sd
    /// (z = Φ⁻¹((1 + coverage)/2), 1.96 for 95%), sorted by the first term's estimate with the largest at the top,
    /// one panel per term sharing the level axis (as lme4's <c>dotplot(ranef(fit, condVar = TRUE))</c>). With many
    /// levels the rows become hairlines and only the <paramref name="highlight"/>ed levels are labelled.
    /// </summary>
    public static Figure Caterpillar(IReadOnlyList<string> levels, IReadOnlyList<CaterpillarTerm> terms, string? title = null,
        string? groupLabel = null, double coverage = 0.95, IReadOnlyList<int>? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0) throw new PlotDataException("a caterpillar plot needs at least one term");
        if (!(coverage > 0 && coverage < 1)) throw new ArgumentOutOfRangeException(nameof(coverage), coverage, "coverage must lie strictly between 0 and 1");
        int n = levels.Count;
        foreach (var t in terms)
        {
            SameLength(t.Estimate.Count, $"term '{t.Name}' estimates", n, "levels");
            SameLength(t.StandardError.Count, $"term '{t.Name}' standard errors", n, "levels");
        }
        double z = PlotStatistics.NormalQuantile((1 + coverage) / 2);
        var first = terms[0].Estimate;
        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => double.IsFinite(first[i]) ? first[i] : double.NegativeInfinity).ThenBy(i => i)];
        int[] rank = new int[n];
        for (int k = 0; k < n; k++) rank[order[k]] = k;
        var highlightSet = new HashSet<int>(highlight ?? []);
        foreach (int h in highlightSet) if (h < 0 || h >= n) throw new PlotDataException($"highlighted level {h} is outside the {n} levels");

        bool many = n > 200;
        double row = many ? 900.0 / n : Math.Clamp(900.0 / n, 4.5, 16);
        double height = Math.Max(300, many ? 1040 : n * row + 150);
        var categories = order.Select(i => levels[i]).ToList();
        var emphasised = highlightSet.Select(h => rank[h]).Order().ToList();
        string pct = (coverage * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        var charts = new List<Chart>();
        foreach (var t in terms)
        {
            var pos = new double[n];
            var est = new double[n];
            var lo = new double[n];
            var hi = new double[n];
            for (int k = 0; k < n; k++)
            {
                int i = order[k];
                pos[k] = k;
                est[k] = t.Estimate[i];
                lo[k] = t.Estimate[i] - z * t.StandardError[i];
                hi[k] = t.Estimate[i] + z * t.StandardError[i];
            }
            var layers = new List<Layer>
            {
                new ReferenceLineLayer(AxisDirection.X, 0) { Color = Palette.Secondary, Width = 1 },
                new SegmentsLayer(lo, pos, hi, pos)
                {
                    Color = Palette.Blue, Width = many ? Math.Max(0.4, row * 0.8) : Math.Min(1.6, row * 0.35 + 0.4), Opacity = many ? 0.45 : 0.75,
                    Label = $"{pct}% interval",
                },
                new PointsLayer(est, pos) { Color = Palette.Ink, Radius = many ? Math.Max(0.8, row * 0.5) : Math.Clamp(row * 0.3, 1.4, 3), Label = "Conditional mode" },
            };
            if (emphasised.Count > 0)
            {
                var hp = emphasised.Select(k => (double)k).ToList();
                layers.Add(new SegmentsLayer(emphasised.Select(k => lo[k]).ToList(), hp, emphasised.Select(k => hi[k]).ToList(), hp) { Color = Palette.Vermillion, Width = 2 });
                layers.Add(new PointsLayer(emphasised.Select(k => est[k]).ToList(), hp) { Color = Palette.Vermillion, Radius = 3 });
            }
            charts.Add(new Chart
            {
                Title = t.Name,
                X = new Axis { Label = "Conditional mode" },
                Y = new Axis { Label = groupLabel, Categories = categories, EmphasisedCategories = emphasised, ShowCategoryLabels = !many },
                Layers = layers,
                Legend = charts.Count == 0 ? LegendPlacement.Best : LegendPlacement.None,
            });
        }
        string note = $"Sorted by the {terms[0].Name} estimate. Intervals: estimate ± {z.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} × conditional standard deviation.";
        if (many) note += $" {n} levels: labels shown for highlighted levels only.";
        return new Figure(charts)
        {
            Title = title,
            Width = terms.Count > 1 ? 900 : 640,
            Height = height,
            ShareY = true,
            Kind = "caterpillar",
            Note = note,
        };
    }
}
