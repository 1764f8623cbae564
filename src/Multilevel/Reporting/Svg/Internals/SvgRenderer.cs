using System.Text;

namespace Multilevel.Reporting.Svg.Internals;

/// <summary>
/// Lays out a <see cref="Figure"/> (titles, panels, axes, legend, note) and writes it as SVG. Every number is
/// written with fixed decimals in the invariant culture and every text is escaped, so the same figure always gives
/// the same bytes.
/// </summary>
internal static class SvgRenderer
{
    private const double TitleSize = 16, SubtitleSize = 13, PanelTitleSize = 13, AxisLabelSize = 13, TickSize = 11,
        LegendSize = 12, NoteSize = 11, TickLength = 4, MaxCategoryLabelWidth = 150;

    private sealed class PanelPlan
    {
        public required Chart Chart { get; init; }
        public required int Index { get; init; }
        public ResolvedAxis X { get; set; } = null!;
        public ResolvedAxis Y { get; set; } = null!;
        public double Left, Right, Top, Bottom; // plotting area in pixels
        public bool DrawYLabels = true;
        public int Dropped;
    }

    public static string Render(Figure fig, string idPrefix)
    {
        string id = SanitizeId(idPrefix);
        double width = fig.Width, height = fig.Height;
        if (!(width >= 100) || !(height >= 80) || !double.IsFinite(width) || !double.IsFinite(height))
        {
            throw new ArgumentOutOfRangeException(nameof(fig), $"a figure must be at least 100 × 80 pixels, got {width} × {height}");
        }

        var plans = fig.Panels.Select((c, i) => new PanelPlan { Chart = c, Index = i }).ToList();
        foreach (var p in plans) p.Dropped = CountDropped(p.Chart);
        int dropped = plans.Sum(p => p.Dropped);

        // Vertical layout, from the top: title, subtitle, panel titles, plots; from the bottom: note, legend, x axis.
        double y = 6;
        double titleBaseline = 0, subtitleBaseline = 0;
        if (!string.IsNullOrEmpty(fig.Title)) { y += TitleSize + 2; titleBaseline = y; y += 4; }
        if (!string.IsNullOrEmpty(fig.Subtitle)) { y += SubtitleSize + 2; subtitleBaseline = y; y += 4; }
        y += 8;
        bool anyPanelTitle = plans.Any(p => !string.IsNullOrEmpty(p.Chart.Title));
        double plotTop = y + (anyPanelTitle ? PanelTitleSize + 8 : 2);

        string? note = fig.Note;
        if (dropped > 0)
        {
            string missing = dropped == 1 ? "1 point with a missing or non-finite value is not drawn." : $"{dropped} points with missing or non-finite values are not drawn.";
            note = string.IsNullOrEmpty(note) ? missing : note + " " + missing;
        }
        var noteLines = string.IsNullOrEmpty(note) ? [] : TextMetrics.Wrap(note, NoteSize, width - 24);
        double bottom = height - 6 - noteLines.Count * (NoteSize + 4);
        bool anyBelowLegend = plans.Any(p => p.Chart.Legend == LegendPlacement.Below && LegendEntries(p.Chart).Count > 0);
        if (anyBelowLegend) bottom -= 24;
        bool anyXLabel = plans.Any(p => !string.IsNullOrEmpty(p.Chart.X.Label));
        double plotBottom = bottom - (TickLength + TickSize + 8) - (anyXLabel ? AxisLabelSize + 8 : 0);
        if (plotBottom - plotTop < 30) throw new ArgumentOutOfRangeException(nameof(fig), $"the figure is too short ({height} px) for its titles and axes");

        // Y axes first (they depend only on the plot height), then left margins, then x axes.
        ResolveYAxes(plans, fig.ShareY, plotTop, plotBottom);
        double rightMargin = 16;
        var lefts = new double[plans.Count];
        for (int i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            p.DrawYLabels = !(fig.ShareY && i > 0);
            if (!p.DrawYLabels) { lefts[i] = 14; continue; }
            double maxLabel = p.Y.Labels.Count == 0 ? 0 : p.Y.Labels.Max(l => TextMetrics.Width(l.Text, LabelSize(p.Y, l.Emphasised), l.Emphasised));
            lefts[i] = 10 + (string.IsNullOrEmpty(p.Chart.Y.Label) ? 0 : AxisLabelSize + 10) + maxLabel + TickLength + 4;
        }
        double available = width - lefts.Sum() - rightMargin * plans.Count;
        double plotWidth = available / plans.Count;
        if (plotWidth < 40) throw new ArgumentOutOfRangeException(nameof(fig), $"the figure is too narrow ({width} px) for {plans.Count} panel(s) and their labels");
        double x = 0;
        for (int i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            x += lefts[i];
            p.Left = x;
            p.Right = x + plotWidth;
            p.Top = plotTop;
            p.Bottom = plotBottom;
            x = p.Right + rightMargin;
            p.Y.Scale = p.Y.Categorical ? new Scale(p.Y.Lo, p.Y.Hi, plotTop, plotBottom) : new Scale(p.Y.Lo, p.Y.Hi, plotBottom, plotTop);
            p.X = ResolveXAxis(p.Chart, p.Left, p.Right);
        }

        var sb = new StringBuilder(64 * 1024);
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").AppendNum(width).Append("\" height=\"").AppendNum(height)
          .Append("\" viewBox=\"0 0 ").AppendNum(width).Append(' ').AppendNum(height).Append('"')
          .Append(" role=\"img\" aria-labelledby=\"").Append(id).Append("-title ").Append(id).Append("-desc\" class=\"mlm-plot\"");
        if (!string.IsNullOrEmpty(fig.Kind)) sb.Append(" data-kind=\"").Append(SvgFormat.Escape(fig.Kind)).Append('"');
        sb.Append(" font-family=\"").Append(SvgFormat.Escape(TextMetrics.FontFamily)).Append("\" font-size=\"11\" fill=\"").Append(Palette.Ink).Append("\">\n");
        sb.Append("<title id=\"").Append(id).Append("-title\">").Append(SvgFormat.Escape(AccessibleTitle(fig))).Append("</title>\n");
        sb.Append("<desc id=\"").Append(id).Append("-desc\">").Append(SvgFormat.Escape(fig.Description ?? Describe(fig, plans, dropped))).Append("</desc>\n");
        sb.Append("<defs>");
        foreach (var p in plans)
        {
            sb.Append("<clipPath id=\"").Append(id).Append("-clip-").Append(p.Index).Append("\"><rect x=\"").AppendNum(p.Left).Append("\" y=\"").AppendNum(p.Top)
              .Append("\" width=\"").AppendNum(p.Right - p.Left).Append("\" height=\"").AppendNum(p.Bottom - p.Top).Append("\"/></clipPath>");
        }
        sb.Append("</defs>\n");
        sb.Append("<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        if (titleBaseline > 0)
        {
            var (text, size) = Fit(fig.Title!, TitleSize, width - 24, bold: true);
            Text(sb, width / 2, titleBaseline, text, size, "middle", bold: true, cls: "title");
        }
        if (subtitleBaseline > 0)
        {
            var (text, size) = Fit(fig.Subtitle!, SubtitleSize, width - 24, bold: false);
            Text(sb, width / 2, subtitleBaseline, text, size, "middle", cls: "subtitle", color: "#444444");
        }

        foreach (var p in plans) RenderPanel(sb, p, id, bottom);

        for (int i = 0; i < noteLines.Count; i++)
        {
            Text(sb, 12, height - 6 - (noteLines.Count - 1 - i) * (NoteSize + 4) - 2, noteLines[i], NoteSize, "start", cls: "note", color: "#555555");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    // ───────────────────────────── axes ─────────────────────────────

    private static void ResolveYAxes(List<PanelPlan> plans, bool share, double top, double bottom)
    {
        double length = bottom - top;
        if (share)
        {
            var ext = new Extent();
            foreach (var p in plans) ext.Add(DataExtent(p.Chart, AxisDirection.Y));
            var first = plans[0].Chart.Y;
            var (lo, hi) = Domain(first, ext);
            var axis = BuildAxis(first, lo, hi, length, vertical: true);
            foreach (var p in plans) p.Y = axis;
            return;
        }
        foreach (var p in plans)
        {
            var ext = DataExtent(p.Chart, AxisDirection.Y);
            var (lo, hi) = Domain(p.Chart.Y, ext);
            p.Y = BuildAxis(p.Chart.Y, lo, hi, length, vertical: true);
        }
    }

    private static ResolvedAxis ResolveXAxis(Chart chart, double left, double right)
    {
        var ext = DataExtent(chart, AxisDirection.X);
        var (lo, hi) = Domain(chart.X, ext);
        var axis = BuildAxis(chart.X, lo, hi, right - left, vertical: false);
        axis.Scale = new Scale(lo, hi, left, right);
        return axis;
    }

    /// <summary>The axis range: categories at 0..n−1 with half a category to spare, or the padded data range unless fixed.</summary>
    private static (double Lo, double Hi) Domain(Axis axis, Extent ext)
    {
        if (axis.Categories is { } cats) return (-0.5, Math.Max(1, cats.Count) - 0.5);
        if (axis.IncludeZero) ext.Add(0);
        double lo, hi;
        if (!ext.Any) { lo = 0; hi = 1; }
        else
        {
            lo = ext.Min;
            hi = ext.Max;
            if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
            {
                double half = Math.Max(Math.Abs(lo) * 0.1, 0.5);
                lo -= half;
                hi += half;
            }
            double pad = Math.Max(0, axis.Padding) * (hi - lo);
            lo -= pad;
            hi += pad;
        }
        if (axis.Min is { } mn && double.IsFinite(mn)) lo = mn;
        if (axis.Max is { } mx && double.IsFinite(mx)) hi = mx;
        if (!(hi > lo)) hi = lo + 1;
        return (lo, hi);
    }

    private static ResolvedAxis BuildAxis(Axis spec, double lo, double hi, double lengthPx, bool vertical)
    {
        var axis = new ResolvedAxis { Spec = spec, Lo = lo, Hi = hi };
        if (spec.Categories is { } cats)
        {
            int n = cats.Count;
            double band = lengthPx / Math.Max(1, n);
            var emph = new HashSet<int>(spec.EmphasisedCategories ?? []);
            if (vertical)
            {
                double font = Math.Clamp(band * 0.9, 8, 11);
                int every = Math.Max(1, (int)Math.Ceiling((font + 1.5) / band));
                axis.LabelFontSize = font;
                var shown = new List<int>();
                if (spec.ShowCategoryLabels)
                {
                    for (int i = 0; i < n; i += every) shown.Add(i);
                }
                // Emphasised labels win: drop ordinary labels that would touch them.
                var emphList = emph.Where(e => e >= 0 && e < n).Order().ToList();
                shown.RemoveAll(i => !emph.Contains(i) && emphList.Any(e => Math.Abs(e - i) * band < font + 1.5));
                foreach (int e in emphList) if (!shown.Contains(e)) shown.Add(e);
                shown.Sort();
                foreach (int i in shown) axis.Labels.Add((i, TextMetrics.Truncate(cats[i], font, MaxCategoryLabelWidth), emph.Contains(i)));
            }
            else
            {
                double font = TickSize;
                double maxW = cats.Count == 0 ? 0 : cats.Max(c => TextMetrics.Width(c, font));
                int every = Math.Max(1, (int)Math.Ceiling((Math.Min(maxW, MaxCategoryLabelWidth) + 8) / band));
                if (spec.ShowCategoryLabels)
                {
                    for (int i = 0; i < n; i += every)
                    {
                        axis.Labels.Add((i, TextMetrics.Truncate(cats[i], font, Math.Max(band * every - 8, 20)), emph.Contains(i)));
                    }
                }
            }
            if (spec.Grid && n <= 30) for (int i = 0; i < n; i++) axis.GridValues.Add(i);
            return axis;
        }

        if (spec.Ticks is { } fixedTicks)
        {
            int decimals = fixedTicks.Count == 0 ? 0 : fixedTicks.Max(NiceTicks.DecimalsFor);
            for (int i = 0; i < fixedTicks.Count; i++)
            {
                double v = fixedTicks[i];
                if (!double.IsFinite(v) || v < lo - 1e-9 * (hi - lo) || v > hi + 1e-9 * (hi - lo)) continue;
                string text = spec.TickLabels is { } tl && i < tl.Count ? tl[i] : NiceTicks.FormatLabel(v, decimals);
                axis.Labels.Add((v, text, false));
                if (spec.Grid) axis.GridValues.Add(v);
            }
            return axis;
        }

        int wanted = Math.Max(2, (int)Math.Round(lengthPx / (vertical ? 55.0 : 95.0)));
        TickSet ticks;
        while (true)
        {
            ticks = InsideTicks(lo, hi, wanted);
            if (wanted <= 2 || ticks.Values.Length < 2) break;
            double stepPx = ticks.Step / (hi - lo) * lengthPx;
            double need = vertical ? TickSize + 8 : ticks.Labels.Max(l => TextMetrics.Width(l, TickSize)) + 14;
            if (stepPx >= need) break;
            wanted--;
        }
        var labels = ticks.Labels;
        for (int i = 0; i < ticks.Values.Length; i++)
        {
            axis.Labels.Add((ticks.Values[i], labels[i], false));
            if (spec.Grid) axis.GridValues.Add(ticks.Values[i]);
        }
        return axis;
    }

    /// <summary>
    /// Ticks for the (padded) axis range, as ggplot2 chooses them: the extended-Wilkinson labelling of the range,
    /// keeping the ticks that fall inside it; when fewer than two remain, a labelling that lies inside by construction.
    /// </summary>
    internal static TickSet InsideTicks(double lo, double hi, int wanted)
    {
        var t = NiceTicks.Extended(lo, hi, wanted);
        double tol = 1e-9 * (hi - lo);
        double[] inside = [.. t.Values.Where(v => v >= lo - tol && v <= hi + tol)];
        if (inside.Length >= 2) return new TickSet(inside, t.Step, t.Decimals);
        return NiceTicks.Extended(lo, hi, wanted, onlyInside: true);
    }

    /// <summary>The range of the data along one axis; for the vertical axis, straight lines add their values at the ends of the x range.</summary>
    private static Extent DataExtent(Chart chart, AxisDirection dir)
    {
        var e = new Extent();
        bool isX = dir == AxisDirection.X;
        foreach (var layer in chart.Layers)
        {
            switch (layer)
            {
                case PointsLayer pl: AddPairs(ref e, pl.X, pl.Y, isX); break;
                case LineLayer ll: AddPairs(ref e, ll.X, ll.Y, isX); break;
                case AreaLayer al:
                    AddPairs(ref e, al.X, al.Y, isX);
                    if (!isX && al.X.Count > 0) e.Add(al.Baseline);
                    break;
                case SegmentsLayer sl:
                    AddPairs(ref e, sl.X1, sl.Y1, isX);
                    AddPairs(ref e, sl.X2, sl.Y2, isX);
                    break;
                case TextLayer tl: AddPairs(ref e, tl.X, tl.Y, isX); break;
                case ReferenceLineLayer rl:
                    if (rl.Axis == dir) e.Add(rl.Value);
                    break;
                case RugLayer rug:
                    if (rug.Axis == dir) e.Add(rug.Values);
                    break;
                case BoxesLayer bl:
                    foreach (var b in bl.Boxes)
                    {
                        if (bl.ValueAxis == dir)
                        {
                            e.Add(b.Stats.LowerWhisker);
                            e.Add(b.Stats.UpperWhisker);
                            if (bl.ShowOutliers) e.Add(b.Stats.Outliers);
                        }
                        else e.Add(b.Position);
                    }
                    break;
                case AbLineLayer ab:
                    if (isX)
                    {
                        if (ab.From is { } f) e.Add(f);
                        if (ab.To is { } t) e.Add(t);
                    }
                    break;
            }
        }
        if (!isX)
        {
            // Straight lines: their values at the ends of the x range they are drawn over.
            var xe = DataExtent(chart, AxisDirection.X);
            var (xlo, xhi) = chart.X.Categories is null ? Domain(chart.X, xe) : (-0.5, chart.X.Categories.Count - 0.5);
            foreach (var ab in chart.Layers.OfType<AbLineLayer>().Where(l => l.AffectsLimits))
            {
                double a = Math.Max(ab.From ?? xlo, xlo), b = Math.Min(ab.To ?? xhi, xhi);
                e.Add(ab.Intercept + ab.Slope * a);
                e.Add(ab.Intercept + ab.Slope * b);
            }
        }
        return e;
    }

    private static void AddPairs(ref Extent e, IReadOnlyList<double> xs, IReadOnlyList<double> ys, bool takeX)
    {
        int n = Math.Min(xs.Count, ys.Count);
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) continue;
            e.Add(takeX ? xs[i] : ys[i]);
        }
    }

    private static int CountDropped(Chart chart)
    {
        int dropped = 0;
        foreach (var layer in chart.Layers)
        {
            if (layer is PointsLayer pl)
            {
                CheckLengths(pl.X.Count, pl.Y.Count, "points");
                for (int i = 0; i < pl.X.Count; i++) if (!double.IsFinite(pl.X[i]) || !double.IsFinite(pl.Y[i])) dropped++;
            }
            else if (layer is LineLayer ll) CheckLengths(ll.X.Count, ll.Y.Count, "line");
            else if (layer is AreaLayer al) CheckLengths(al.X.Count, al.Y.Count, "area");
            else if (layer is TextLayer tl)
            {
                CheckLengths(tl.X.Count, tl.Y.Count, "text");
                CheckLengths(tl.X.Count, tl.Texts.Count, "text");
            }
            else if (layer is SegmentsLayer sl)
            {
                CheckLengths(sl.X1.Count, sl.Y1.Count, "segments");
                CheckLengths(sl.X1.Count, sl.X2.Count, "segments");
                CheckLengths(sl.X1.Count, sl.Y2.Count, "segments");
            }
        }
        return dropped;
    }

    private static void CheckLengths(int a, int b, string what)
    {
        if (a != b) throw new PlotDataException($"a {what} layer has coordinate arrays of different lengths ({a} and {b})");
    }

    // ───────────────────────────── panel ─────────────────────────────

    private static void RenderPanel(StringBuilder sb, PanelPlan p, string id, double legendBottom)
    {
        var c = p.Chart;
        var sx = p.X.Scale;
        var sy = p.Y.Scale;
        sb.Append("<g class=\"panel\" data-panel=\"").Append(p.Index).Append("\">\n");
        if (!string.IsNullOrEmpty(c.Title))
        {
            Text(sb, (p.Left + p.Right) / 2, p.Top - 9, TextMetrics.Truncate(c.Title, PanelTitleSize, p.Right - p.Left + 20), PanelTitleSize, "middle", bold: true, cls: "panel-title");
        }

        // Grid.
        sb.Append("<g class=\"grid\" stroke=\"").Append(Palette.Grid).Append("\" stroke-width=\"1\" fill=\"none\"><path d=\"");
        foreach (double v in p.X.GridValues)
        {
            double px = Snap(sx.Map(v));
            sb.Append('M').AppendNum(px).Append(' ').AppendNum(p.Top).Append('V').AppendNum(p.Bottom);
        }
        foreach (double v in p.Y.GridValues)
        {
            double py = Snap(sy.Map(v));
            sb.Append('M').AppendNum(p.Left).Append(' ').AppendNum(py).Append('H').AppendNum(p.Right);
        }
        sb.Append("\"/></g>\n");

        // Data.
        var samples = new List<(double X, double Y)>();
        sb.Append("<g class=\"plot-area\" clip-path=\"url(#").Append(id).Append("-clip-").Append(p.Index).Append(")\">\n");
        foreach (var layer in c.Layers)
        {
            if (layer is TextLayer) continue;
            RenderLayer(sb, layer, p, samples);
        }
        sb.Append("</g>\n");
        foreach (var tl in c.Layers.OfType<TextLayer>()) RenderText(sb, tl, p, samples);

        RenderXAxis(sb, p);
        RenderYAxis(sb, p);
        RenderLegend(sb, p, samples, legendBottom);
        sb.Append("</g>\n");
    }

    private static void RenderXAxis(StringBuilder sb, PanelPlan p)
    {
        var sx = p.X.Scale;
        sb.Append("<g class=\"axis axis-x\">");
        sb.Append("<path d=\"M").AppendNum(p.Left).Append(' ').AppendNum(Snap(p.Bottom)).Append('H').AppendNum(p.Right);
        foreach (var l in p.X.Labels)
        {
            double px = Snap(sx.Map(l.Value));
            sb.Append('M').AppendNum(px).Append(' ').AppendNum(p.Bottom).Append('v').AppendNum(TickLength);
        }
        sb.Append("\" stroke=\"").Append(Palette.Ink).Append("\" stroke-width=\"1\" fill=\"none\"/>");
        foreach (var l in p.X.Labels)
        {
            double px = sx.Map(l.Value);
            Text(sb, px, p.Bottom + TickLength + TickSize + 2, l.Text, TickSize, "middle", bold: l.Emphasised, cls: "tick", color: "#333333", newline: false);
        }
        if (!string.IsNullOrEmpty(p.Chart.X.Label))
        {
            Text(sb, (p.Left + p.Right) / 2, p.Bottom + TickLength + TickSize + 8 + AxisLabelSize, p.Chart.X.Label, AxisLabelSize, "middle", cls: "axis-label", newline: false);
        }
        sb.Append("</g>\n");
    }

    private static void RenderYAxis(StringBuilder sb, PanelPlan p)
    {
        var sy = p.Y.Scale;
        sb.Append("<g class=\"axis axis-y\">");
        sb.Append("<path d=\"M").AppendNum(Snap(p.Left)).Append(' ').AppendNum(p.Top).Append('V').AppendNum(p.Bottom);
        if (p.DrawYLabels)
        {
            foreach (var l in p.Y.Labels)
            {
                double py = Snap(sy.Map(l.Value));
                sb.Append('M').AppendNum(p.Left).Append(' ').AppendNum(py).Append('h').AppendNum(-TickLength);
            }
        }
        sb.Append("\" stroke=\"").Append(Palette.Ink).Append("\" stroke-width=\"1\" fill=\"none\"/>");
        if (p.DrawYLabels)
        {
            double maxW = 0;
            foreach (var l in p.Y.Labels)
            {
                double size = LabelSize(p.Y, l.Emphasised);
                double py = sy.Map(l.Value) + size * 0.35;
                Text(sb, p.Left - TickLength - 3, py, l.Text, size, "end", bold: l.Emphasised, cls: "tick", color: l.Emphasised ? Palette.Ink : "#333333", newline: false);
                maxW = Math.Max(maxW, TextMetrics.Width(l.Text, size, l.Emphasised));
            }
            if (!string.IsNullOrEmpty(p.Chart.Y.Label))
            {
                double lx = p.Left - TickLength - 4 - maxW - 8;
                double ly = (p.Top + p.Bottom) / 2;
                sb.Append("<text class=\"axis-label\" x=\"").AppendNum(lx).Append("\" y=\"").AppendNum(ly)
                  .Append("\" transform=\"rotate(-90 ").AppendNum(lx).Append(' ').AppendNum(ly).Append(")\" text-anchor=\"middle\" font-size=\"")
                  .AppendNum(AxisLabelSize).Append("\">").Append(SvgFormat.Escape(TextMetrics.Truncate(p.Chart.Y.Label, AxisLabelSize, p.Bottom - p.Top))).Append("</text>");
            }
        }
        sb.Append("</g>\n");
    }

    // ───────────────────────────── layers ─────────────────────────────

    private static void RenderLayer(StringBuilder sb, Layer layer, PanelPlan p, List<(double X, double Y)> samples)
    {
        var sx = p.X.Scale;
        var sy = p.Y.Scale;
        string color = SvgFormat.Escape(layer.Color);
        double opacity = Math.Clamp(layer.Opacity, 0, 1);
        switch (layer)
        {
            case PointsLayer pl:
            {
                int n = pl.X.Count;
                if (pl.Shape == MarkerShape.Disc)
                {
                    // One path for all discs: its opacity applies to the union of the discs, so a disc drawn again
                    // at (almost) the same spot changes nothing. Large layers therefore skip repeats on a grid finer
                    // than the disc (0.1 px, 0.5 px above 5,000 points, 1 px above 100,000), which keeps the file small.
                    double grid = n > 100_000 ? 1 : n > 5_000 ? 2 : 10;
                    var seen = new HashSet<long>();
                    sb.Append("<path class=\"points\" d=\"");
                    for (int i = 0; i < n; i++)
                    {
                        if (!double.IsFinite(pl.X[i]) || !double.IsFinite(pl.Y[i])) continue;
                        double px = sx.Map(pl.X[i]), py = sy.Map(pl.Y[i]);
                        if (Math.Abs(px) > 1e6 || Math.Abs(py) > 1e6) continue; // far outside the clip: nothing to draw
                        long key = ((long)Math.Round(px * grid) << 32) ^ (uint)(int)Math.Round(py * grid);
                        if (!seen.Add(key)) continue;
                        if (grid < 10) { px = Math.Round(px * grid) / grid; py = Math.Round(py * grid) / grid; }
                        sb.Append('M').AppendNum(px, 1).Append(' ').AppendNum(py, 1).Append("h0");
                        samples.Add((px, py));
                    }
                    sb.Append("\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"").AppendNum(2 * pl.Radius)
                      .Append("\" stroke-linecap=\"round\"");
                    Opacity(sb, "stroke-opacity", opacity);
                    sb.Append("/>\n");
                }
                else
                {
                    sb.Append("<g class=\"points\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.2\"");
                    Opacity(sb, "stroke-opacity", opacity);
                    sb.Append('>');
                    for (int i = 0; i < n; i++)
                    {
                        if (!double.IsFinite(pl.X[i]) || !double.IsFinite(pl.Y[i])) continue;
                        double px = sx.Map(pl.X[i]), py = sy.Map(pl.Y[i]);
                        sb.Append("<circle cx=\"").AppendNum(px, 1).Append("\" cy=\"").AppendNum(py, 1).Append("\" r=\"").AppendNum(pl.Radius).Append("\"/>");
                        samples.Add((px, py));
                    }
                    sb.Append("</g>\n");
                }
                break;
            }
            case LineLayer ll:
            {
                sb.Append("<path class=\"line\" d=\"");
                bool pen = false;
                double lastX = 0, lastY = 0;
                for (int i = 0; i < ll.X.Count; i++)
                {
                    if (!double.IsFinite(ll.X[i]) || !double.IsFinite(ll.Y[i])) { pen = false; continue; }
                    double px = sx.Map(ll.X[i]), py = sy.Map(ll.Y[i]);
                    sb.Append(pen ? 'L' : 'M').AppendNum(px).Append(' ').AppendNum(py);
                    if (pen) SampleSegment(samples, lastX, lastY, px, py); else samples.Add((px, py));
                    pen = true;
                    lastX = px;
                    lastY = py;
                }
                sb.Append('"');
                Stroke(sb, color, ll.Width, ll.Dash, opacity);
                sb.Append("/>\n");
                break;
            }
            case AbLineLayer ab:
            {
                double a = Math.Max(ab.From ?? sx.Lo, sx.Lo), b = Math.Min(ab.To ?? sx.Hi, sx.Hi);
                if (!(b > a) || !double.IsFinite(ab.Intercept) || !double.IsFinite(ab.Slope)) break;
                double x1 = sx.Map(a), y1 = sy.Map(ab.Intercept + ab.Slope * a), x2 = sx.Map(b), y2 = sy.Map(ab.Intercept + ab.Slope * b);
                sb.Append("<path class=\"line\" d=\"M").AppendNum(x1).Append(' ').AppendNum(y1).Append('L').AppendNum(x2).Append(' ').AppendNum(y2).Append('"');
                Stroke(sb, color, ab.Width, ab.Dash, opacity);
                sb.Append("/>\n");
                SampleSegment(samples, x1, y1, x2, y2);
                break;
            }
            case SegmentsLayer sl:
            {
                var shafts = new StringBuilder();
                var heads = new StringBuilder();
                double headLength = 4 + 1.5 * sl.Width, headHalf = 2 + 0.9 * sl.Width;
                for (int i = 0; i < sl.X1.Count; i++)
                {
                    double a = sl.X1[i], b = sl.Y1[i], cc = sl.X2[i], d = sl.Y2[i];
                    if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(cc) || !double.IsFinite(d)) continue;
                    double x1 = sx.Map(a), y1 = sy.Map(b), x2 = sx.Map(cc), y2 = sy.Map(d);
                    double len = Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
                    SampleSegment(samples, x1, y1, x2, y2);
                    if (sl.Arrow && len > headLength * 1.2)
                    {
                        double ux = (x2 - x1) / len, uy = (y2 - y1) / len;
                        double bx = x2 - ux * headLength, by = y2 - uy * headLength;
                        shafts.Append('M').AppendNum(x1).Append(' ').AppendNum(y1).Append('L').AppendNum(bx).Append(' ').AppendNum(by);
                        heads.Append('M').AppendNum(x2).Append(' ').AppendNum(y2)
                             .Append('L').AppendNum(bx - uy * headHalf).Append(' ').AppendNum(by + ux * headHalf)
                             .Append('L').AppendNum(bx + uy * headHalf).Append(' ').AppendNum(by - ux * headHalf).Append('Z');
                    }
                    else if (len > 0.01)
                    {
                        shafts.Append('M').AppendNum(x1).Append(' ').AppendNum(y1).Append('L').AppendNum(x2).Append(' ').AppendNum(y2);
                    }
                }
                if (shafts.Length > 0)
                {
                    sb.Append("<path class=\"segments\" d=\"").Append(shafts).Append('"');
                    Stroke(sb, color, sl.Width, sl.Dash, opacity);
                    sb.Append("/>\n");
                }
                if (heads.Length > 0)
                {
                    sb.Append("<path class=\"arrowheads\" d=\"").Append(heads).Append("\" fill=\"").Append(color).Append("\" stroke=\"none\"");
                    Opacity(sb, "fill-opacity", opacity);
                    sb.Append("/>\n");
                }
                break;
            }
            case ReferenceLineLayer rl:
            {
                if (!double.IsFinite(rl.Value)) break;
                sb.Append("<path class=\"reference\" d=\"");
                if (rl.Axis == AxisDirection.Y)
                {
                    double py = sy.Map(rl.Value);
                    sb.Append('M').AppendNum(p.Left).Append(' ').AppendNum(py).Append('H').AppendNum(p.Right);
                }
                else
                {
                    double px = sx.Map(rl.Value);
                    sb.Append('M').AppendNum(px).Append(' ').AppendNum(p.Top).Append('V').AppendNum(p.Bottom);
                }
                sb.Append('"');
                Stroke(sb, color, rl.Width, rl.Dash, opacity);
                sb.Append("/>\n");
                break;
            }
            case BoxesLayer bl: RenderBoxes(sb, bl, p, samples, color, opacity); break;
            case AreaLayer al:
            {
                var pts = new List<(double X, double Y)>();
                for (int i = 0; i < al.X.Count; i++)
                {
                    if (double.IsFinite(al.X[i]) && double.IsFinite(al.Y[i])) pts.Add((sx.Map(al.X[i]), sy.Map(al.Y[i])));
                }
                if (pts.Count < 2) break;
                double baseY = sy.Map(al.Baseline);
                sb.Append("<path class=\"area\" d=\"M").AppendNum(pts[0].X).Append(' ').AppendNum(baseY);
                foreach (var (px, py) in pts) sb.Append('L').AppendNum(px).Append(' ').AppendNum(py);
                sb.Append('L').AppendNum(pts[^1].X).Append(' ').AppendNum(baseY).Append("Z\" fill=\"").Append(color).Append("\" stroke=\"none\"");
                Opacity(sb, "fill-opacity", Math.Clamp(al.FillOpacity, 0, 1));
                sb.Append("/>\n");
                if (al.Width > 0)
                {
                    sb.Append("<path class=\"line\" d=\"");
                    for (int i = 0; i < pts.Count; i++) sb.Append(i == 0 ? 'M' : 'L').AppendNum(pts[i].X).Append(' ').AppendNum(pts[i].Y);
                    sb.Append('"');
                    Stroke(sb, color, al.Width, LineDash.Solid, opacity);
                    sb.Append("/>\n");
                }
                for (int i = 1; i < pts.Count; i++) SampleSegment(samples, pts[i - 1].X, pts[i - 1].Y, pts[i].X, pts[i].Y);
                foreach (var (px, _) in pts) samples.Add((px, (baseY + pts[0].Y) / 2));
                break;
            }
            case RugLayer rug:
            {
                sb.Append("<path class=\"rug\" d=\"");
                foreach (double v in rug.Values)
                {
                    if (!double.IsFinite(v)) continue;
                    if (rug.Axis == AxisDirection.X)
                    {
                        double px = sx.Map(v);
                        sb.Append('M').AppendNum(px, 1).Append(' ').AppendNum(p.Bottom).Append('v').AppendNum(-rug.Length);
                        samples.Add((px, p.Bottom - rug.Length / 2));
                    }
                    else
                    {
                        double py = sy.Map(v);
                        sb.Append('M').AppendNum(p.Left).Append(' ').AppendNum(py, 1).Append('h').AppendNum(rug.Length);
                        samples.Add((p.Left + rug.Length / 2, py));
                    }
                }
                sb.Append('"');
                Stroke(sb, color, 1, LineDash.Solid, opacity);
                sb.Append("/>\n");
                break;
            }
        }
    }

    private static void RenderBoxes(StringBuilder sb, BoxesLayer bl, PanelPlan p, List<(double X, double Y)> samples, string color, double opacity)
    {
        bool horizontal = bl.ValueAxis == AxisDirection.X;
        var vs = horizontal ? p.X.Scale : p.Y.Scale; // value scale
        var cs = horizontal ? p.Y.Scale : p.X.Scale; // category scale
        double band = cs.PixelsPerUnit;
        double half = Math.Max(0.5, band * Math.Clamp(bl.Thickness, 0.05, 1) / 2);
        var boxes = new StringBuilder();
        var medians = new StringBuilder();
        var whiskers = new StringBuilder();
        var means = new StringBuilder();
        var outliers = new StringBuilder();
        bool caps = half >= 2.5;
        void Seg(StringBuilder t, double v1, double c1, double v2, double c2)
        {
            double x1 = horizontal ? v1 : c1, y1 = horizontal ? c1 : v1, x2 = horizontal ? v2 : c2, y2 = horizontal ? c2 : v2;
            t.Append('M').AppendNum(x1).Append(' ').AppendNum(y1).Append('L').AppendNum(x2).Append(' ').AppendNum(y2);
        }
        foreach (var box in bl.Boxes)
        {
            var s = box.Stats;
            if (!double.IsFinite(box.Position) || s.Count == 0) continue;
            double cpix = cs.Map(box.Position);
            double q1 = vs.Map(s.LowerQuartile), q3 = vs.Map(s.UpperQuartile), med = vs.Map(s.Median);
            double lw = vs.Map(s.LowerWhisker), uw = vs.Map(s.UpperWhisker);
            double vlo = Math.Min(q1, q3), vhi = Math.Max(q1, q3);
            if (horizontal)
            {
                boxes.Append('M').AppendNum(vlo).Append(' ').AppendNum(cpix - half).Append('H').AppendNum(Math.Max(vhi, vlo + 0.5))
                     .Append('V').AppendNum(cpix + half).Append('H').AppendNum(vlo).Append('Z');
            }
            else
            {
                boxes.Append('M').AppendNum(cpix - half).Append(' ').AppendNum(vlo).Append('V').AppendNum(Math.Max(vhi, vlo + 0.5))
                     .Append('H').AppendNum(cpix + half).Append('V').AppendNum(vlo).Append('Z');
            }
            Seg(medians, med, cpix - half, med, cpix + half);
            Seg(whiskers, q1, cpix, lw, cpix);
            Seg(whiskers, q3, cpix, uw, cpix);
            if (caps)
            {
                Seg(whiskers, lw, cpix - half / 2, lw, cpix + half / 2);
                Seg(whiskers, uw, cpix - half / 2, uw, cpix + half / 2);
            }
            if (bl.ShowMean && double.IsFinite(s.Mean))
            {
                double m = vs.Map(s.Mean);
                means.Append('M').AppendNum(horizontal ? m : cpix, 1).Append(' ').AppendNum(horizontal ? cpix : m, 1).Append("h0");
            }
            if (bl.ShowOutliers)
            {
                foreach (double o in s.Outliers)
                {
                    double op = vs.Map(o);
                    outliers.Append('M').AppendNum(horizontal ? op : cpix, 1).Append(' ').AppendNum(horizontal ? cpix : op, 1).Append("h0");
                    samples.Add(horizontal ? (op, cpix) : (cpix, op));
                }
            }
            for (double v = Math.Min(lw, uw); v <= Math.Max(lw, uw); v += 6) samples.Add(horizontal ? (v, cpix) : (cpix, v));
        }
        double strokeWidth = half < 2 ? 0.6 : 1;
        sb.Append("<g class=\"boxes\">");
        sb.Append("<path class=\"whiskers\" d=\"").Append(whiskers).Append('"');
        Stroke(sb, color, strokeWidth, LineDash.Solid, opacity * (half < 4 ? 0.55 : 0.9));
        sb.Append("/>");
        sb.Append("<path class=\"box\" d=\"").Append(boxes).Append("\" fill=\"").Append(color).Append("\" fill-opacity=\"0.22\" stroke=\"").Append(color)
          .Append("\" stroke-width=\"").AppendNum(strokeWidth).Append('"');
        Opacity(sb, "stroke-opacity", opacity);
        sb.Append("/>");
        sb.Append("<path class=\"median\" d=\"").Append(medians).Append('"');
        Stroke(sb, Palette.Ink, half < 2 ? 1 : 1.6, LineDash.Solid, 1);
        sb.Append("/>");
        if (means.Length > 0)
        {
            sb.Append("<path class=\"mean\" d=\"").Append(means).Append("\" fill=\"none\" stroke=\"").Append(Palette.Vermillion)
              .Append("\" stroke-width=\"").AppendNum(Math.Clamp(half, 2, 5)).Append("\" stroke-linecap=\"round\"/>");
        }
        if (outliers.Length > 0)
        {
            sb.Append("<path class=\"outliers\" d=\"").Append(outliers).Append("\" fill=\"none\" stroke=\"").Append(color)
              .Append("\" stroke-width=\"").AppendNum(Math.Clamp(half, 2, 4)).Append("\" stroke-linecap=\"round\" stroke-opacity=\"0.6\"/>");
        }
        sb.Append("</g>\n");
    }

    private static void RenderText(StringBuilder sb, TextLayer tl, PanelPlan p, List<(double X, double Y)> samples)
    {
        var items = new List<(double X, double Y, string Text, string Anchor)>();
        for (int i = 0; i < tl.X.Count; i++)
        {
            if (!double.IsFinite(tl.X[i]) || !double.IsFinite(tl.Y[i]) || string.IsNullOrEmpty(tl.Texts[i])) continue;
            double px = p.X.Scale.Map(tl.X[i]), py = p.Y.Scale.Map(tl.Y[i]) + tl.FontSize * 0.35;
            string anchor = tl.Anchor;
            double w = TextMetrics.Width(tl.Texts[i], tl.FontSize);
            double tx = anchor == "end" ? px - tl.OffsetX : anchor == "middle" ? px : px + tl.OffsetX;
            // Keep the label inside the plotting area: flip it to the other side of the point when it would overflow.
            if (anchor == "start" && tx + w > p.Right) { anchor = "end"; tx = px - tl.OffsetX; }
            else if (anchor == "end" && tx - w < p.Left) { anchor = "start"; tx = px + tl.OffsetX; }
            items.Add((tx, py, tl.Texts[i], anchor));
        }
        // Push overlapping labels apart vertically (in order of height), then keep them inside the plot.
        var order = Enumerable.Range(0, items.Count).OrderBy(i => items[i].Y).ThenBy(i => i).ToList();
        double gap = tl.FontSize + 1;
        for (int k = 1; k < order.Count; k++)
        {
            var prev = items[order[k - 1]];
            var cur = items[order[k]];
            if (cur.Y - prev.Y < gap) items[order[k]] = cur with { Y = prev.Y + gap };
        }
        if (order.Count > 0 && items[order[^1]].Y > p.Bottom - 2)
        {
            double shift = items[order[^1]].Y - (p.Bottom - 2);
            foreach (int i in order) items[i] = items[i] with { Y = items[i].Y - shift };
        }
        sb.Append("<g class=\"labels\" font-size=\"").AppendNum(tl.FontSize).Append("\" fill=\"").Append(SvgFormat.Escape(tl.Color))
          .Append("\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">");
        foreach (var it in items)
        {
            sb.Append("<text x=\"").AppendNum(it.X).Append("\" y=\"").AppendNum(it.Y).Append('"');
            if (it.Anchor != "start") sb.Append(" text-anchor=\"").Append(it.Anchor == "end" ? "end" : "middle").Append('"');
            sb.Append('>').Append(SvgFormat.Escape(it.Text)).Append("</text>");
            samples.Add((it.X, it.Y));
        }
        sb.Append("</g>\n");
    }

    // ───────────────────────────── legend ─────────────────────────────

    /// <summary>One legend entry per distinct label, in order of first appearance, with every layer that carries it
    /// (a group drawn as points and a line gets one entry showing both).</summary>
    private static List<List<Layer>> LegendEntries(Chart chart)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<List<Layer>>();
        foreach (var l in chart.Layers)
        {
            if (string.IsNullOrEmpty(l.Label) || l is TextLayer) continue;
            if (index.TryGetValue(l.Label, out int i)) list[i].Add(l);
            else
            {
                index[l.Label] = list.Count;
                list.Add([l]);
            }
        }
        return list;
    }

    private static void RenderLegend(StringBuilder sb, PanelPlan p, List<(double X, double Y)> samples, double legendBottom)
    {
        if (p.Chart.Legend == LegendPlacement.None) return;
        var entries = LegendEntries(p.Chart);
        if (entries.Count == 0) return;
        const double row = 18, glyph = 26, pad = 8;
        double maxText = p.Right - p.Left - glyph - 3 * pad - 16;
        var texts = entries.Select(e => TextMetrics.Truncate(e[0].Label!, LegendSize, Math.Max(40, maxText))).ToList();
        sb.Append("<g class=\"legend\" font-size=\"").AppendNum(LegendSize).Append("\">");
        if (p.Chart.Legend == LegendPlacement.Below)
        {
            double widthAll = texts.Sum(t => glyph + 6 + TextMetrics.Width(t, LegendSize) + 18);
            double x = Math.Max(p.Left, (p.Left + p.Right) / 2 - widthAll / 2);
            double y = legendBottom + 12;
            for (int i = 0; i < entries.Count; i++)
            {
                Glyphs(sb, entries[i], x, y, glyph);
                Text(sb, x + glyph + 6, y + LegendSize * 0.35, texts[i], LegendSize, "start", newline: false);
                x += glyph + 6 + TextMetrics.Width(texts[i], LegendSize) + 18;
            }
            sb.Append("</g>\n");
            return;
        }

        double w = pad + glyph + 6 + texts.Max(t => TextMetrics.Width(t, LegendSize)) + pad;
        double h = pad / 2 + entries.Count * row + pad / 2;
        const double inset = 8;
        var corners = new Dictionary<LegendPlacement, (double X, double Y)>
        {
            [LegendPlacement.TopRight] = (p.Right - inset - w, p.Top + inset),
            [LegendPlacement.TopLeft] = (p.Left + inset, p.Top + inset),
            [LegendPlacement.BottomRight] = (p.Right - inset - w, p.Bottom - inset - h),
            [LegendPlacement.BottomLeft] = (p.Left + inset, p.Bottom - inset - h),
        };
        LegendPlacement place = p.Chart.Legend;
        if (place == LegendPlacement.Best)
        {
            int best = int.MaxValue;
            foreach (var candidate in new[] { LegendPlacement.TopRight, LegendPlacement.TopLeft, LegendPlacement.BottomRight, LegendPlacement.BottomLeft })
            {
                var (cx, cy) = corners[candidate];
                int hits = 0;
                foreach (var (sx, sy) in samples) if (sx >= cx - 2 && sx <= cx + w + 2 && sy >= cy - 2 && sy <= cy + h + 2) hits++;
                if (hits < best) { best = hits; place = candidate; }
            }
        }
        var (lx, ly) = corners[place];
        sb.Append("<rect x=\"").AppendNum(lx).Append("\" y=\"").AppendNum(ly).Append("\" width=\"").AppendNum(w).Append("\" height=\"").AppendNum(h)
          .Append("\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#cccccc\"/>");
        for (int i = 0; i < entries.Count; i++)
        {
            double cy = ly + pad / 2 + row * (i + 0.5);
            Glyphs(sb, entries[i], lx + pad, cy, glyph);
            Text(sb, lx + pad + glyph + 6, cy + LegendSize * 0.35, texts[i], LegendSize, "start", newline: false);
        }
        sb.Append("</g>\n");
    }

    /// <summary>Draws the glyphs of all layers of one legend entry: areas and lines first, points on top.</summary>
    private static void Glyphs(StringBuilder sb, List<Layer> layers, double x, double cy, double glyphWidth)
    {
        foreach (var l in layers.Where(l => l is not PointsLayer)) Glyph(sb, l, x, cy, glyphWidth);
        foreach (var l in layers.Where(l => l is PointsLayer)) Glyph(sb, l, x, cy, glyphWidth);
    }

    private static void Glyph(StringBuilder sb, Layer layer, double x, double cy, double glyphWidth)
    {
        string color = SvgFormat.Escape(layer.Color);
        double opacity = Math.Clamp(layer.Opacity, 0, 1);
        switch (layer)
        {
            case PointsLayer pl when pl.Shape == MarkerShape.Circle:
                sb.Append("<circle cx=\"").AppendNum(x + glyphWidth / 2).Append("\" cy=\"").AppendNum(cy).Append("\" r=\"").AppendNum(Math.Clamp(pl.Radius, 2.5, 5))
                  .Append("\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.2\"/>");
                break;
            case PointsLayer pl:
                sb.Append("<circle cx=\"").AppendNum(x + glyphWidth / 2).Append("\" cy=\"").AppendNum(cy).Append("\" r=\"").AppendNum(Math.Clamp(pl.Radius, 2.5, 5))
                  .Append("\" fill=\"").Append(color).Append('"');
                Opacity(sb, "fill-opacity", Math.Max(opacity, 0.6));
                sb.Append("/>");
                break;
            case AreaLayer or BoxesLayer:
                sb.Append("<rect x=\"").AppendNum(x + 3).Append("\" y=\"").AppendNum(cy - 6).Append("\" width=\"").AppendNum(glyphWidth - 6)
                  .Append("\" height=\"12\" fill=\"").Append(color).Append("\" fill-opacity=\"0.3\" stroke=\"").Append(color).Append("\"/>");
                break;
            default:
            {
                double width = layer switch
                {
                    LineLayer l => l.Width,
                    AbLineLayer a => a.Width,
                    SegmentsLayer s => Math.Max(1.5, s.Width),
                    ReferenceLineLayer r => Math.Max(1.2, r.Width),
                    _ => 2,
                };
                LineDash dash = layer switch
                {
                    LineLayer l => l.Dash,
                    AbLineLayer a => a.Dash,
                    SegmentsLayer s => s.Dash,
                    ReferenceLineLayer r => r.Dash,
                    _ => LineDash.Solid,
                };
                sb.Append("<path d=\"M").AppendNum(x).Append(' ').AppendNum(cy).Append('h').AppendNum(glyphWidth).Append('"');
                Stroke(sb, color, Math.Min(width, 4), dash, Math.Max(opacity, 0.7));
                sb.Append("/>");
                if (layer.LegendMarker)
                {
                    sb.Append("<circle cx=\"").AppendNum(x + glyphWidth / 2).Append("\" cy=\"").AppendNum(cy).Append("\" r=\"3.2\" fill=\"").Append(color).Append("\"/>");
                }
                break;
            }
        }
    }

    // ───────────────────────────── helpers ─────────────────────────────

    private static void Stroke(StringBuilder sb, string color, double width, LineDash dash, double opacity)
    {
        sb.Append(" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"").AppendNum(width).Append('"');
        if (dash == LineDash.Dashed) sb.Append(" stroke-dasharray=\"6 4\"");
        else if (dash == LineDash.Dotted) sb.Append(" stroke-dasharray=\"1.5 3\" stroke-linecap=\"round\"");
        Opacity(sb, "stroke-opacity", opacity);
    }

    private static void Opacity(StringBuilder sb, string attribute, double opacity)
    {
        if (opacity < 1) sb.Append(' ').Append(attribute).Append("=\"").AppendNum(opacity, 3).Append('"');
    }

    private static void Text(StringBuilder sb, double x, double y, string text, double size, string anchor, bool bold = false,
        string? cls = null, string? color = null, bool newline = true)
    {
        sb.Append("<text");
        if (cls is not null) sb.Append(" class=\"").Append(cls).Append('"');
        sb.Append(" x=\"").AppendNum(x).Append("\" y=\"").AppendNum(y).Append('"');
        if (anchor != "start") sb.Append(" text-anchor=\"").Append(anchor).Append('"');
        if (Math.Abs(size - 11) > 1e-9) sb.Append(" font-size=\"").AppendNum(size).Append('"');
        if (bold) sb.Append(" font-weight=\"bold\"");
        if (color is not null) sb.Append(" fill=\"").Append(color).Append('"');
        sb.Append('>').Append(SvgFormat.Escape(text)).Append("</text>");
        if (newline) sb.Append('\n');
    }

    private static void SampleSegment(List<(double X, double Y)> samples, double x1, double y1, double x2, double y2)
    {
        double len = Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
        int steps = Math.Clamp((int)(len / 8), 1, 200);
        for (int i = 0; i <= steps; i++) samples.Add((x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps));
    }

    /// <summary>A title that fits the width: smaller type (down to 11 px) first, then an ellipsis.</summary>
    private static (string Text, double Size) Fit(string text, double size, double maxWidth, bool bold)
    {
        while (size > 11 && TextMetrics.Width(text, size, bold) > maxWidth) size -= 0.5;
        return (TextMetrics.Width(text, size, bold) > maxWidth ? TextMetrics.Truncate(text, size * (bold ? 1.08 : 1), maxWidth) : text, size);
    }

    /// <summary>Emphasised category labels stay legible (10 px) even where the ordinary ones are small.</summary>
    private static double LabelSize(ResolvedAxis axis, bool emphasised) => emphasised ? Math.Max(axis.LabelFontSize, 10) : axis.LabelFontSize;

    /// <summary>Puts a 1-pixel line on the pixel grid so that it is drawn crisp.</summary>
    private static double Snap(double v) => Math.Floor(v) + 0.5;

    private static string SanitizeId(string prefix)
    {
        var sb = new StringBuilder();
        foreach (char ch in prefix ?? "") sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '-' || ch == '_' ? ch : '-');
        if (sb.Length == 0 || !char.IsAsciiLetter(sb[0])) sb.Insert(0, "f-");
        return sb.ToString();
    }

    private static string AccessibleTitle(Figure fig)
    {
        if (!string.IsNullOrEmpty(fig.Title)) return string.IsNullOrEmpty(fig.Subtitle) ? fig.Title : fig.Title + " — " + fig.Subtitle;
        var t = fig.Panels.Select(p => p.Title).FirstOrDefault(s => !string.IsNullOrEmpty(s));
        return t ?? (fig.Kind is null ? "Plot" : char.ToUpperInvariant(fig.Kind[0]) + fig.Kind[1..] + " plot");
    }

    private static string Describe(Figure fig, List<PanelPlan> plans, int dropped)
    {
        var parts = new List<string>();
        foreach (var p in plans)
        {
            var c = p.Chart;
            var sbp = new StringBuilder();
            if (plans.Count > 1) sbp.Append("Panel ").Append(p.Index + 1).Append(c.Title is null ? "" : " (" + c.Title + ")").Append(": ");
            sbp.Append(DescribeAxis(plans.Count > 1 ? "horizontal" : "Horizontal", c.X, p.X)).Append("; ").Append(DescribeAxis("vertical", c.Y, p.Y)).Append('.');
            var layerTexts = new List<string>();
            foreach (var l in c.Layers)
            {
                string? what = l switch
                {
                    PointsLayer pl => $"{pl.X.Count} points",
                    LineLayer => "a line",
                    AbLineLayer ab => $"a straight line (intercept {Fmt(ab.Intercept)}, slope {Fmt(ab.Slope)})",
                    SegmentsLayer sl => $"{sl.X1.Count} {(sl.Arrow ? "arrows" : "segments")}",
                    BoxesLayer bl => $"{bl.Boxes.Count} box plots",
                    AreaLayer => "a filled curve",
                    RugLayer rug => $"a rug of {rug.Values.Count} values",
                    ReferenceLineLayer rl => $"a reference line at {(rl.Axis == AxisDirection.X ? "x" : "y")} = {Fmt(rl.Value)}",
                    _ => null,
                };
                if (what is null) continue;
                layerTexts.Add(string.IsNullOrEmpty(l.Label) ? what : $"{what} ({l.Label})");
            }
            if (layerTexts.Count > 0) sbp.Append(" Shows ").Append(string.Join(", ", layerTexts)).Append('.');
            parts.Add(sbp.ToString());
        }
        if (dropped > 0) parts.Add($"{dropped} points with missing values are not drawn.");
        return string.Join(" ", parts);
    }

    private static string DescribeAxis(string which, Axis spec, ResolvedAxis axis)
    {
        string name = string.IsNullOrEmpty(spec.Label) ? which + " axis" : $"{which} axis {spec.Label}";
        if (spec.Categories is { } cats) return $"{name} with {cats.Count} categories";
        return $"{name} from {Fmt(axis.Lo)} to {Fmt(axis.Hi)}";
    }

    private static string Fmt(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}
