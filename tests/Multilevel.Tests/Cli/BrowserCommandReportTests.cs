using Multilevel.Tests.Data;
using Multilevel.Tests.Reporting;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Cli;

/// <summary>
/// The reports that <c>mlm demo</c> and <c>mlm report</c> write, opened in Debian's Chromium: no console errors, no
/// network requests, every plot drawn; screenshots (<c>demo-*.png</c>, <c>cli-report-*.png</c>) are kept as artifacts.
/// </summary>
[Collection(SerialCollection.Name)]
public class BrowserCommandReportTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task DemoReportOpensInChromiumWithEveryPlotDrawn()
    {
        string artifacts = BrowserEnvironment.ArtifactsDirectory;
        string path = Path.Combine(artifacts, "demo.html");
        var r = await Cli.Run("demo", "-o", path, "--quiet");
        Assert.True(r.Exit == 0, r.Err);
        await BrowserCheck.ReportAsync(path, artifacts, "demo-",
            ["boxplot", "scatter", "group-lines", "model-comparison", "caterpillar", "density", "shrinkage", "residuals", "qq"], output.WriteLine);
    }

    [ChromiumFact]
    public async Task MlmReportOpensInChromiumWithEveryPlotDrawn()
    {
        string artifacts = BrowserEnvironment.ArtifactsDirectory;
        string path = Path.Combine(artifacts, "cli-report.html");
        var r = await Cli.Run("report", "sleepstudy", "Reaction ~ Days + (Days | Subject)", "-o", path, "--quiet");
        Assert.True(r.Exit == 0, r.Err);
        await BrowserCheck.ReportAsync(path, artifacts, "cli-report-",
            ["boxplot", "group-lines", "model-comparison", "caterpillar", "density", "shrinkage-2d", "residuals", "qq"], output.WriteLine);
    }
}
