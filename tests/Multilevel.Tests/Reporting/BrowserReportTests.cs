using System.Text.Json;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// Opens a generated report in a real browser (Debian's Chromium, driven by Playwright for .NET with the Node driver
/// that the Microsoft.Playwright package ships; no browser download): no console errors, no network requests,
/// every plot has a non-empty drawing area, and screenshots are kept as artifacts.
/// </summary>
public class BrowserReportTests(ITestOutputHelper output)
{
    private static readonly string[] AllKinds =
        ["boxplot", "scatter", "model-comparison", "group-lines", "caterpillar", "density", "shrinkage", "residuals", "qq", "shrinkage-2d", "lines"];

    [ChromiumFact]
    public async Task ReportOpensInChromiumWithEveryPlotDrawn()
    {
        string artifacts = BrowserEnvironment.ArtifactsDirectory;
        string reportPath = Path.Combine(artifacts, "report.html");
        SampleReport.Build().Save(reportPath);
        await BrowserCheck.ReportAsync(reportPath, artifacts, "", AllKinds, output.WriteLine);
    }
}

/// <summary>
/// Opens a report in Debian's Chromium (headless, through Playwright) and checks it: no console errors or warnings, no
/// request beyond the file itself, every <c>svg.mlm-plot</c> laid out with axis text, every drawing area non-empty;
/// saves a full-page screenshot and one per figure in the artifacts directory.
/// </summary>
internal static class BrowserCheck
{
    /// <summary>Checks the report at <paramref name="reportPath"/>; screenshots are named with <paramref name="prefix"/>.</summary>
    public static async Task ReportAsync(string reportPath, string artifacts, string prefix, IReadOnlyCollection<string> requiredKinds, Action<string> log)
    {
        int expectedPlots = System.Text.RegularExpressions.Regex.Count(File.ReadAllText(reportPath), "<figure class=\"plot\"");
        Assert.True(File.Exists(BrowserEnvironment.ChromiumPath), $"Chromium is required here (MLM_REQUIRE_BROWSER=1) but {BrowserEnvironment.ChromiumPath} does not exist");
        string profile = Path.Combine(Path.GetTempPath(), "mlm-chromium-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = BrowserEnvironment.ChromiumPath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
                ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
                Timeout = 60_000,
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
            page.PageError += (_, e) => problems.Add($"page error: {e}");
            page.RequestFailed += (_, r) => problems.Add($"request failed: {r.Url}");
            page.Request += (_, r) => { if (!r.Url.StartsWith("file://", StringComparison.Ordinal)) problems.Add($"network request: {r.Url}"); };

            var response = await page.GotoAsync(new Uri(reportPath).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
            Assert.NotNull(response);
            Assert.True(response!.Ok, $"loading the report gave status {response.Status}");

            string json = await page.EvaluateAsync<string>(
                """
                () => JSON.stringify([...document.querySelectorAll('svg.mlm-plot')].map(svg => {
                  const r = svg.getBoundingClientRect();
                  const areas = [...svg.querySelectorAll('g.plot-area')].map(g => {
                    const b = g.getBBox();
                    const drawn = [...g.querySelectorAll('path, circle, rect, line, polyline, polygon')]
                      .filter(e => e.tagName !== 'path' || (e.getAttribute('d') || '').length > 0).length;
                    return { w: b.width, h: b.height, drawn };
                  });
                  const title = svg.querySelector('title');
                  const labelled = (svg.getAttribute('aria-labelledby') || '').split(' ').every(id => id && document.getElementById(id));
                  return { kind: svg.dataset.kind || '', title: title ? title.textContent : '', width: r.width, height: r.height, labelled,
                           texts: svg.querySelectorAll('text').length, areas };
                }))
                """);
            using var doc = JsonDocument.Parse(json);
            var plots = doc.RootElement.EnumerateArray().ToList();
            log($"{plots.Count} plots in {reportPath}");
            Assert.True(expectedPlots >= requiredKinds.Count, $"the report has only {expectedPlots} figures");
            Assert.Equal(expectedPlots, plots.Count);
            var kinds = plots.Select(p => p.GetProperty("kind").GetString()!).ToHashSet();
            foreach (string kind in requiredKinds) Assert.Contains(kind, kinds);
            foreach (var p in plots)
            {
                string name = $"{p.GetProperty("kind").GetString()} '{p.GetProperty("title").GetString()}'";
                Assert.True(p.GetProperty("width").GetDouble() > 100 && p.GetProperty("height").GetDouble() > 100, $"{name} is not laid out");
                Assert.True(p.GetProperty("labelled").GetBoolean(), $"{name}: aria-labelledby does not resolve");
                Assert.True(p.GetProperty("texts").GetInt32() >= 3, $"{name} has no axis text");
                var areas = p.GetProperty("areas").EnumerateArray().ToList();
                Assert.NotEmpty(areas);
                foreach (var a in areas)
                {
                    Assert.True(a.GetProperty("w").GetDouble() > 10 && a.GetProperty("h").GetDouble() > 10,
                        $"{name}: the drawing area is empty ({a.GetProperty("w").GetDouble()} × {a.GetProperty("h").GetDouble()})");
                    Assert.True(a.GetProperty("drawn").GetInt32() > 0, $"{name}: nothing drawn");
                }
            }

            string shot = Path.Combine(artifacts, prefix + "report.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            var figures = page.Locator("figure.plot");
            int count = await figures.CountAsync();
            for (int i = 0; i < count; i++)
            {
                string kind = plots[i].GetProperty("kind").GetString()!;
                await figures.Nth(i).ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(artifacts, $"{prefix}figure-{i + 1:00}-{kind}.png") });
            }
            Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is (nearly) empty");
            log($"screenshots in {artifacts}");
            Assert.True(problems.Count == 0, "the browser reported:\n" + string.Join("\n", problems));
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
