using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Multilevel.Reporting;
using Multilevel.Reporting.Svg;
using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>Structure, accessibility, escaping and determinism of every plot kind, on small synthetic data.</summary>
public class SvgPlotTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Every plot kind, drawn from a small simulated grouped data set (fixed seed).</summary>
    public static IEnumerable<(string Kind, Figure Figure)> AllKinds()
    {
        var rng = new Random(7);
        int groups = 12, per = 15, n = groups * per;
        var x = new double[n];
        var y = new double[n];
        var codes = new int[n];
        var u = Enumerable.Range(0, groups).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        for (int i = 0; i < n; i++)
        {
            codes[i] = i / per;
            x[i] = rng.NextDouble() * 2 - 1 + 0.3 * u[codes[i]];
            y[i] = 1 + 0.75 * x[i] + u[codes[i]] + 0.3 * (rng.NextDouble() - 0.5);
        }
        var g = new Grouping(codes, [.. Enumerable.Range(1, groups).Select(i => $"g{i}")]);
        var est = u.Select(v => v * 0.9).ToArray();
        var se = u.Select(_ => 0.2).ToArray();
        var means = PlotStatistics.GroupMeans(y, codes, groups);
        var sizes = Enumerable.Range(0, groups).Select(j => (double)(per - j % 3)).ToArray();
        yield return ("scatter", Plots.Scatter(x, y, "Scatter", "x", "y", g, [new FittedLine("OLS", 1, 0.75)]));
        yield return ("lines", Plots.Lines([new LineSeries("a", [0, 1, 2], [1, 3, 2]), new LineSeries("b", [0, 1, 2], [2, 1, 0])], "Lines", "x", "y"));
        yield return ("boxplot", Plots.Boxplots(y, g, "Boxes", "y", "group"));
        yield return ("boxplot", Plots.BoxplotsRawAndDemeaned(y, g, "Raw and de-meaned", "y", "group"));
        yield return ("model-comparison", Plots.ModelComparison(x, y, g, [new FittedLine("Total", 1, 2), new FittedLine("Within", 1, 0.75)], "Models", "x", "y"));
        yield return ("group-lines", Plots.GroupLines(x, y, g, [.. Enumerable.Range(0, groups).Select(j => new GroupLine(j, 1 + u[j], 0.75))],
            [new GroupHighlight(0, "first"), new GroupHighlight(3, "fourth")], "Group lines", "x", "y"));
        yield return ("group-lines", Plots.GroupLines(x, y, g, [.. Enumerable.Range(0, groups).Select(j => new GroupLine(j, 1 + u[j], 0.75))], title: "All groups"));
        yield return ("caterpillar", Plots.Caterpillar(g.Levels, [new CaterpillarTerm("(Intercept)", est, se), new CaterpillarTerm("x", se, se)], "Modes", "group", highlight: [2]));
        yield return ("density", Plots.Density(est, "Density", "u", normal: new NormalReference(0, 1)));
        yield return ("residuals", Plots.ResidualsVsFitted(x, y));
        yield return ("qq", Plots.NormalQq(y));
        yield return ("shrinkage", Plots.Shrinkage(g.Levels, means, means.Select(m => 0.8 * m).ToList(), 0, sizes, "Shrinkage", "mean", [1]));
        yield return ("shrinkage", Plots.Shrinkage(g.Levels, means, means.Select(m => 0.8 * m).ToList(), 0, null, "Shrinkage", "mean"));
        yield return ("shrinkage-2d", Plots.Shrinkage2D(g.Levels, means, est, means.Select(m => 0.8 * m).ToList(), est.Select(e => 0.5 * e).ToList(), 0, 0));
    }

    public static TheoryData<int> KindIndices()
    {
        var d = new TheoryData<int>();
        for (int i = 0; i < AllKinds().Count(); i++) d.Add(i);
        return d;
    }

    [Theory]
    [MemberData(nameof(KindIndices))]
    public void EveryKindIsWellFormedAccessibleSvgWithSomethingDrawn(int index)
    {
        var (kind, fig) = AllKinds().ElementAt(index);
        string svg = fig.ToSvg("t");
        var doc = XDocument.Parse(svg);
        var root = doc.Root!;
        Assert.Equal(Ns + "svg", root.Name);
        Assert.Equal("img", (string?)root.Attribute("role"));
        Assert.Equal(kind, (string?)root.Attribute("data-kind"));
        var ids = ((string)root.Attribute("aria-labelledby")!).Split(' ');
        Assert.Equal(["t-title", "t-desc"], ids);
        var title = root.Element(Ns + "title")!;
        var desc = root.Element(Ns + "desc")!;
        Assert.Equal("t-title", (string?)title.Attribute("id"));
        Assert.Equal("t-desc", (string?)desc.Attribute("id"));
        Assert.False(string.IsNullOrWhiteSpace(title.Value));
        Assert.False(string.IsNullOrWhiteSpace(desc.Value));
        var areas = root.Descendants(Ns + "g").Where(e => (string?)e.Attribute("class") == "plot-area").ToList();
        Assert.Equal(fig.Panels.Count, areas.Count);
        foreach (var area in areas)
        {
            var drawn = area.Descendants().Where(e => e.Name == Ns + "path" && ((string?)e.Attribute("d"))?.Length > 0 || e.Name == Ns + "circle").ToList();
            Assert.NotEmpty(drawn);
        }
        // All ids unique; every clip-path reference resolves.
        var allIds = root.Descendants().Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToList();
        Assert.Equal(allIds.Count, allIds.Distinct().Count());
        foreach (var c in root.Descendants().Select(e => (string?)e.Attribute("clip-path")).Where(c => c is not null))
        {
            Assert.Contains(Regex.Match(c!, @"url\(#(.+)\)").Groups[1].Value, allIds);
        }
        // Text is text: axis labels and the title are searchable.
        var texts = root.Descendants(Ns + "text").Select(t => t.Value).ToList();
        if (fig.Title is not null) Assert.Contains(fig.Title, texts);
    }

    [Fact]
    public void SameInputGivesTheSameBytesWhateverTheCulture()
    {
        string[] first = [.. AllKinds().Select(k => k.Figure.ToSvg())];
        var saved = CultureInfo.CurrentCulture;
        try
        {
            var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            odd.NumberFormat.NumberDecimalSeparator = ",";
            odd.NumberFormat.NegativeSign = "~";
            odd.NumberFormat.NumberGroupSeparator = "'";
            CultureInfo.CurrentCulture = odd;
            string[] second = [.. AllKinds().Select(k => k.Figure.ToSvg())];
            Assert.Equal(first, second);
            Assert.DoesNotContain(second, s => s.Contains('~') || Regex.IsMatch(s, @"\d,\d"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void TextIsEscaped()
    {
        string nasty = "<script>alert('x')</script> & \"quotes\"";
        var fig = Plots.Scatter([1, 2, 3], [1, 4, 9], title: nasty, xLabel: "a < b", yLabel: "c & d",
            lines: [new FittedLine("fit \"1\" <i>", 0, 3)]);
        string svg = fig.ToSvg();
        Assert.DoesNotContain("<script>", svg);
        var root = XDocument.Parse(svg).Root!;
        var texts = root.Descendants(Ns + "text").Select(t => t.Value).ToList();
        Assert.Contains(nasty, texts);
        Assert.Contains("a < b", texts);
        Assert.Contains("c & d", texts);
        Assert.Contains("fit \"1\" <i>", texts);
        Assert.Equal(nasty, root.Element(Ns + "title")!.Value);
    }

    [Fact]
    public void ControlCharactersAndLoneSurrogatesDoNotBreakTheXml()
    {
        string odd = "a\u0001b\uD800c 😀";
        string svg = Plots.Lines([new LineSeries(odd, [0, 1], [0, 1])], title: odd).ToSvg();
        var root = XDocument.Parse(svg).Root!;
        Assert.Contains("a\uFFFDb\uFFFDc 😀", root.Descendants(Ns + "text").Select(t => t.Value));
    }

    [Fact]
    public void MissingValuesAreCountedInTheNote()
    {
        string svg = Plots.Scatter([1, double.NaN, 3, 4], [1, 2, double.NaN, 4]).ToSvg();
        var notes = XDocument.Parse(svg).Root!.Descendants(Ns + "text").Where(t => (string?)t.Attribute("class") == "note").Select(t => t.Value);
        Assert.Contains(notes, n => n.Contains("2 points with missing or non-finite values are not drawn", StringComparison.Ordinal));
    }

    [Fact]
    public void ArraysOfDifferentLengthsAreReported()
    {
        var e = Assert.Throws<PlotDataException>(() => Plots.Scatter([1, 2, 3], [1, 2]));
        Assert.Contains("x has 3 values but y has 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<PlotDataException>(() => Plots.Boxplots([1, 2, 3], new Grouping([0, 1, 5], ["a", "b"])));
    }

    [Fact]
    public void XTickLabelsDoNotOverlap()
    {
        foreach (double scale in new[] { 1.0, 1234.5678, 1e-3, 98765.4321 })
        {
            var fig = Plots.Scatter([-3.3 * scale, 7.7 * scale], [0, 1]) with { Width = 320 };
            var labels = XDocument.Parse(fig.ToSvg()).Root!.Descendants(Ns + "g")
                .Single(g => (string?)g.Attribute("class") == "axis axis-x").Elements(Ns + "text")
                .Where(t => (string?)t.Attribute("class") == "tick")
                .Select(t => (X: double.Parse((string)t.Attribute("x")!, CultureInfo.InvariantCulture), Text: t.Value)).ToList();
            Assert.True(labels.Count >= 2, $"scale {scale}: {labels.Count} labels");
            for (int i = 1; i < labels.Count; i++)
            {
                double need = (Multilevel.Reporting.Svg.Internals.TextMetrics.Width(labels[i - 1].Text, 11) + Multilevel.Reporting.Svg.Internals.TextMetrics.Width(labels[i].Text, 11)) / 2;
                Assert.True(labels[i].X - labels[i - 1].X >= need, $"scale {scale}: '{labels[i - 1].Text}' and '{labels[i].Text}' overlap");
            }
        }
    }

    [Fact]
    public void ManyGroupsAreLabelledSparselyWithoutOverlap()
    {
        int groups = 1000;
        var codes = Enumerable.Range(0, groups * 3).Select(i => i % groups).ToArray();
        var values = codes.Select((c, i) => c * 0.01 + i % 7).ToArray();
        var g = new Grouping(codes, [.. Enumerable.Range(0, groups).Select(i => $"level {i}")]);
        var root = XDocument.Parse(Plots.Boxplots(values, g, "Many").ToSvg()).Root!;
        var yLabels = root.Descendants(Ns + "g").Single(e => (string?)e.Attribute("class") == "axis axis-y").Elements(Ns + "text")
            .Where(t => (string?)t.Attribute("class") == "tick")
            .Select(t => double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.InRange(yLabels.Count, 20, groups / 2);
        for (int i = 1; i < yLabels.Count; i++) Assert.True(yLabels[i] - yLabels[i - 1] >= 8, "category labels overlap");
    }

    [Fact]
    public void CaterpillarWithThousandsOfLevelsLabelsOnlyTheHighlightedOnes()
    {
        int n = 1500;
        var est = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        var se = Enumerable.Repeat(0.1, n).ToArray();
        var levels = Enumerable.Range(0, n).Select(i => $"L{i}").ToList();
        var root = XDocument.Parse(Plots.Caterpillar(levels, [new CaterpillarTerm("(Intercept)", est, se)], highlight: [10, 20]).ToSvg()).Root!;
        var yLabels = root.Descendants(Ns + "g").Single(e => (string?)e.Attribute("class") == "axis axis-y").Elements(Ns + "text")
            .Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value).Order().ToList();
        Assert.Equal(["L10", "L20"], yLabels);
    }

    [Fact]
    public void DegenerateDataStillGiveValidSvg()
    {
        Figure[] figures =
        [
            new Figure(new Chart()),
            Plots.Scatter([double.NaN, double.NaN], [1, 2]),
            Plots.Scatter([3], [4]),
            Plots.Scatter([2, 2, 2], [5, 5, 5], lines: [new FittedLine("flat", 5, 0)]),
            Plots.Density([1, 1, 1]),
            Plots.NormalQq([1, 2]),
            Plots.Caterpillar(["a"], [new CaterpillarTerm("(Intercept)", [0.5], [double.NaN])]),
            Plots.Boxplots([1, 2, double.NaN], new Grouping([0, 0, 1], ["has values", "only missing"])),
        ];
        foreach (var f in figures)
        {
            var root = XDocument.Parse(f.ToSvg()).Root!;
            Assert.Equal(Ns + "svg", root.Name);
            Assert.DoesNotContain("NaN", f.ToSvg(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SavesAStandaloneSvgFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlm-{Guid.NewGuid():N}.svg");
        try
        {
            Plots.NormalQq([1.0, 2.5, 2.0, 4.0]).Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.Equal(Ns + "svg", XDocument.Load(path).Root!.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PaletteIsOkabeIto()
    {
        string[] okabeIto = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];
        Assert.Subset(Palette.Qualitative.ToHashSet(StringComparer.OrdinalIgnoreCase), okabeIto.ToHashSet());
        Assert.Equal(Palette.At(0), Palette.At(Palette.Qualitative.Count));
    }

    [Fact]
    public void NumbersAreWrittenWithFixedDecimalsAndNoNegativeZero()
    {
        Assert.Equal("0", Multilevel.Reporting.Svg.Internals.SvgFormat.Num(-0.0001));
        Assert.Equal("12.35", Multilevel.Reporting.Svg.Internals.SvgFormat.Num(12.345));
        Assert.Equal("-3.1", Multilevel.Reporting.Svg.Internals.SvgFormat.Num(-3.1));
        Assert.Equal("100", Multilevel.Reporting.Svg.Internals.SvgFormat.Num(100.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Multilevel.Reporting.Svg.Internals.SvgFormat.Num(double.NaN));
    }
}
