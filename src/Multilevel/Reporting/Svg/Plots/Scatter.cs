namespace Multilevel.Reporting.Svg;

public static partial class Plots
{
    /// <summary>
    /// Scatter plot of y against x, optionally coloured by group and with fitted straight lines. Up to eight groups
    /// get a colour and a legend entry each; with more, the colours repeat (as on the lecture slides) and the note says so.
    /// <paramref name="background"/> points are drawn first in light grey (e.g. every student behind the school means).
    /// </summary>
    public static Figure Scatter(IReadOnlyList<double> x, IReadOnlyList<double> y, string? title = null, string? xLabel = null,
        string? yLabel = null, Grouping? groups = null, IReadOnlyList<FittedLine>? lines = null, string? pointsLabel = null,
        LineSeries? background = null, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        SameLength(x.Count, "x", y.Count, "y");
        var (radius, opacity) = PointStyle(x.Count);
        var layers = new List<Layer>();
        if (background is not null)
        {
            SameLength(background.X.Count, "background x", background.Y.Count, "background y");
            var (br, bo) = PointStyle(background.X.Count);
            layers.Add(new PointsLayer(background.X, background.Y)
            {
                Label = string.IsNullOrEmpty(background.Label) ? null : background.Label, Color = Palette.Muted, Radius = br, Opacity = Math.Min(0.6, bo + 0.1),
            });
            // The foreground is usually much smaller (group means): draw it clearly.
            (radius, opacity) = (Math.Max(radius, 3), 0.9);
        }
        string? note = null;
        int colourOffset = 0;
        if (groups is null)
        {
            layers.Add(new PointsLayer(x, y) { Label = pointsLabel, Color = lines is { Count: > 0 } ? Palette.SkyBlue : Palette.Blue, Radius = radius, Opacity = opacity });
            colourOffset = 0;
        }
        else
        {
            groups.Validate(x.Count, "x");
            var rows = groups.RowsByGroup();
            int colours = Palette.Qualitative.Count;
            if (groups.Count <= colours)
            {
                for (int g = 0; g < groups.Count; g++)
                {
                    if (rows[g].Count == 0) continue;
                    layers.Add(new PointsLayer(Pick(x, rows[g]), Pick(y, rows[g])) { Label = groups.Levels[g], Color = Palette.At(g), Radius = radius, Opacity = opacity });
                }
            }
            else
            {
                // One layer per colour (groups g, g+8, g+16 … share it): compact and still tells neighbours apart.
                for (int c = 0; c < colours; c++)
                {
                    var rs = new List<int>();
                    for (int g = c; g < groups.Count; g += colours) rs.AddRange(rows[g]);
                    rs.Sort();
                    if (rs.Count > 0) layers.Add(new PointsLayer(Pick(x, rs), Pick(y, rs)) { Color = Palette.At(c), Radius = radius, Opacity = opacity });
                }
                note = $"{groups.Count} groups in {colours} colours: colours repeat.";
            }
            colourOffset = 0;
        }
        if (lines is not null)
        {
            for (int i = 0; i < lines.Count; i++) layers.Add(ToLayer(lines[i], i + colourOffset));
        }
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart) { Title = title, Subtitle = subtitle, Note = note, Kind = "scatter" };
    }

    /// <summary>Lines through (x, y) points, one per series, each with a legend entry.</summary>
    public static Figure Lines(IReadOnlyList<LineSeries> series, string? title = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var layers = new List<Layer>();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            SameLength(s.X.Count, $"series '{s.Label}' x", s.Y.Count, "its y");
            layers.Add(new LineLayer(s.X, s.Y) { Label = s.Label, Color = Palette.At(i), Width = 2 });
        }
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart) { Title = title, Kind = "lines" };
    }

    /// <summary>
    /// Residuals against fitted values with a horizontal line at zero and a local linear smooth (tricube weights,
    /// span 2/3) that shows any trend the model missed.
    /// </summary>
    public static Figure ResidualsVsFitted(IReadOnlyList<double> fitted, IReadOnlyList<double> residuals, string? title = "Residuals vs fitted",
        string xLabel = "Fitted values", string yLabel = "Residuals", bool smooth = true)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(residuals);
        SameLength(fitted.Count, "fitted", residuals.Count, "residuals");
        var (radius, opacity) = PointStyle(fitted.Count);
        var layers = new List<Layer>
        {
            new PointsLayer(fitted, residuals) { Color = Palette.Blue, Radius = radius, Opacity = opacity },
            new ReferenceLineLayer(AxisDirection.Y, 0) { Color = Palette.Secondary, Width = 1.2 },
        };
        if (smooth)
        {
            var (sx, sy) = PlotStatistics.LocalLinearSmooth(fitted, residuals);
            if (sx.Length > 1) layers.Add(new LineLayer(sx, sy) { Label = "Local linear smooth", Color = Palette.Vermillion, Width = 2.2 });
        }
        var chart = new Chart { X = new Axis { Label = xLabel }, Y = new Axis { Label = yLabel }, Layers = layers };
        return new Figure(chart) { Title = title, Kind = "residuals" };
    }

    /// <summary>
    /// Normal QQ plot: the sorted values against standard normal quantiles at R's <c>ppoints</c>, with the line
    /// through the first and third quartiles (R's <c>qqline</c>).
    /// </summary>
    public static Figure NormalQq(IReadOnlyList<double> values, string? title = "Normal QQ plot", string sampleLabel = "Sample quantiles")
    {
        ArgumentNullException.ThrowIfNull(values);
        var (t, s, a, b) = PlotStatistics.NormalQq(values);
        // The points lie along a curve, not in a cloud: draw them stronger than in a scatter of the same size.
        var (radius, opacity) = PointStyle(Math.Min(s.Length, 1001));
        var layers = new List<Layer>
        {
            new AbLineLayer(a, b) { Label = "Line through the quartiles", Color = Palette.Vermillion, Width = 1.6, Dash = LineDash.Dashed, AffectsLimits = false },
            new PointsLayer(t, s) { Color = Palette.Blue, Radius = radius, Opacity = opacity },
        };
        var chart = new Chart { X = new Axis { Label = "Theoretical normal quantiles" }, Y = new Axis { Label = sampleLabel }, Layers = layers };
        int missing = values.Count - s.Length;
        return new Figure(chart)
        {
            Title = title,
            Kind = "qq",
            Note = missing > 0 ? MissingNote(missing) : null,
        };
    }

    /// <summary>
    /// Gaussian kernel density (Silverman's bandwidth, R's <c>bw.nrd0</c>, unless given) with a rug of the values and,
    /// optionally, a normal density for comparison (e.g. N(0, σ_u) for random effects).
    /// </summary>
    public static Figure Density(IReadOnlyList<double> values, string? title = null, string? xLabel = null, double? bandwidth = null,
        bool rug = true, NormalReference? normal = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var kde = PlotStatistics.KernelDensity(values, bandwidth);
        var layers = new List<Layer>
        {
            new AreaLayer(kde.X, kde.Density) { Label = $"Kernel density (bandwidth {NiceTicks.FormatLabel(kde.Bandwidth, 3)})", Color = Palette.Blue, FillOpacity = 0.2, Width = 2 },
        };
        if (normal is not null)
        {
            if (!(normal.StandardDeviation > 0)) throw new PlotDataException($"the normal reference needs a positive standard deviation, got {normal.StandardDeviation}");
            var nx = new double[200];
            var ny = new double[200];
            double lo = Math.Min(kde.X[0], normal.Mean - 3.5 * normal.StandardDeviation), hi = Math.Max(kde.X[^1], normal.Mean + 3.5 * normal.StandardDeviation);
            for (int i = 0; i < nx.Length; i++)
            {
                double v = lo + (hi - lo) * i / (nx.Length - 1);
                double z = (v - normal.Mean) / normal.StandardDeviation;
                nx[i] = v;
                ny[i] = Math.Exp(-0.5 * z * z) / (normal.StandardDeviation * Math.Sqrt(2 * Math.PI));
            }
            layers.Add(new LineLayer(nx, ny) { Label = normal.Label, Color = Palette.Vermillion, Dash = LineDash.Dashed, Width = 1.8 });
        }
        if (rug) layers.Add(new RugLayer(values) { Color = Palette.Ink, Opacity = values.Count > 500 ? 0.25 : 0.6, Length = 10 });
        var chart = new Chart
        {
            X = new Axis { Label = xLabel },
            Y = new Axis { Label = "Density", IncludeZero = true },
            Layers = layers,
        };
        int missing = values.Count(v => !double.IsFinite(v));
        return new Figure(chart)
        {
            Title = title,
            Kind = "density",
            Note = missing > 0 ? MissingNote(missing) : null,
        };
    }
}
