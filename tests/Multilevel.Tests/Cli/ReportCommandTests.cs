using System.Text.RegularExpressions;
using Multilevel.Reporting.Figures;
using Multilevel.Tests.Data;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary><c>mlm report</c> and <c>mlm plot</c>: self-contained files, every figure that applies present.</summary>
[Collection(SerialCollection.Name)]
public class ReportCommandTests
{
    private static List<string> Kinds(string html) => [.. Regex.Matches(html, "data-kind=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];

    [Fact]
    public async Task MixedModelReportHasEveryPlot()
    {
        using var dir = new Cli.TempDir();
        string path = dir.File("r.html");
        var r = await Cli.Run("report", "hsb", "mathach ~ ses + (1 | schoolid)", "-o", path);
        Assert.Equal(0, r.Exit);
        Assert.Contains("8 figures", r.Out, StringComparison.Ordinal);
        string html = File.ReadAllText(path);
        ReportAssert.SelfContained(html);
        var kinds = Kinds(html);
        // figure kinds as the SVG module names them (the scatter of group lines is a group-lines figure)
        foreach (var k in new[] { "boxplot", "group-lines", "model-comparison", "caterpillar", "density", "shrinkage", "residuals", "qq" }) Assert.Contains(k, kinds);
        Assert.Contains("Linear mixed model fit by REML", html, StringComparison.Ordinal);
        Assert.Contains("Variance components", html, StringComparison.Ordinal);
        Assert.Contains("ICC (adjusted)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportOfEachModelKind()
    {
        using var dir = new Cli.TempDir();
        var cases = new (string[] Args, string[] Kinds)[]
        {
            (["sleepstudy", "Reaction ~ Days + (Days | Subject)"], ["boxplot", "group-lines", "model-comparison", "caterpillar", "density", "shrinkage-2d", "residuals", "qq"]),
            (["cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--family", "binomial"], ["caterpillar", "density", "shrinkage", "residuals", "qq"]),
            (["hsb", "mathach ~ ses | schoolid"], ["boxplot", "group-lines", "residuals", "qq"]),
            (["hsb", "mathach ~ ses"], ["scatter", "residuals", "qq"]),
            (["cbpp", "cbind(incidence, size - incidence) ~ period", "--family", "binomial"], ["residuals"]),
        };
        int i = 0;
        foreach (var (args, kinds) in cases)
        {
            string path = dir.File($"r{i++}.html");
            var r = await Cli.Run(["report", .. args, "-o", path, "--json"]);
            Assert.True(r.Exit == 0, $"{string.Join(' ', args)}: exit {r.Exit}: {r.Err}");
            var j = r.Json();
            string html = File.ReadAllText(path);
            ReportAssert.SelfContained(html);
            Assert.Equal(kinds.OrderBy(k => k), Kinds(html).Distinct().OrderBy(k => k));
            Assert.Equal(Regex.Count(html, "<figure class=\"plot\""), j.GetProperty("figures").GetArrayLength());
            Assert.Equal(Path.GetFullPath(path), j.GetProperty("output").GetString());
            Assert.True(j.GetProperty("nobs").GetInt32() > 0);
        }
    }

    [Fact]
    public async Task PlotWritesOneSvgOfEachKind()
    {
        using var dir = new Cli.TempDir();
        foreach (var (kind, _) in FigureKinds.All)
        {
            string path = dir.File(kind + ".svg");
            var r = await Cli.Run("plot", kind, "hsb", "mathach ~ ses + (1 | schoolid)", "-o", path, "--json");
            Assert.True(r.Exit == 0, $"{kind}: {r.Err}");
            var root = ReportAssert.Svg(File.ReadAllText(path));
            Assert.NotNull(root.Attribute("viewBox"));
            Assert.Equal(kind, r.Json().GetProperty("kind").GetString());
        }
    }

    [Fact]
    public async Task PlotToStdoutAndChosenGroups()
    {
        var r = await Cli.Run("plot", "scatter", "hsb", "mathach ~ ses + (1 | schoolid)", "--groups", "1946,5650", "-o", "-");
        Assert.Equal(0, r.Exit);
        var root = ReportAssert.Svg(r.Out);
        string svg = root.ToString();
        Assert.Contains("schoolid 1946", svg, StringComparison.Ordinal);
        Assert.Contains("schoolid 5650", svg, StringComparison.Ordinal);
        var bad = await Cli.Run("plot", "scatter", "hsb", "mathach ~ ses + (1 | schoolid)", "--groups", "99999", "-o", "-");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("'99999' is not a level of schoolid", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlotThatDoesNotApplyOrIsUnknown()
    {
        using var dir = new Cli.TempDir();
        var r = await Cli.Run("plot", "caterpillar", "hsb", "mathach ~ ses", "-o", dir.File("x.svg"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("fit a mixed model", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.svg")));
        var u = await Cli.Run("plot", "violin", "hsb", "mathach ~ ses", "-o", dir.File("x.svg"));
        Assert.Equal(2, u.Exit);
        var d = await Cli.Run("report", "hsb", "mathach ~ ses", "-o", Path.Combine(dir.Path, "no-such-dir", "r.html"));
        Assert.Equal(2, d.Exit);
        Assert.Contains("does not exist", d.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportToStdout()
    {
        var r = await Cli.Run("report", "dyestuff", "Yield ~ 1 + (1 | Batch)", "-o", "-");
        Assert.Equal(0, r.Exit);
        ReportAssert.SelfContained(r.Out);
        Assert.False(File.Exists("-"));
        var both = await Cli.Run("report", "dyestuff", "Yield ~ 1 + (1 | Batch)", "-o", "-", "--json");
        Assert.Equal(2, both.Exit);
        Assert.Equal("", both.Out);
        var demo = await Cli.Run("demo", "-o", "-");
        Assert.Equal(2, demo.Exit);
        Assert.Contains("give a file for the HTML report", demo.Err, StringComparison.Ordinal);
    }
}
