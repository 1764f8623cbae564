using System.Text.RegularExpressions;
using Multilevel.Reporting;
using Multilevel.Reporting.Html;
using Multilevel.Reporting.Svg;
using Xunit;

namespace Multilevel.Tests.Reporting;

public class HtmlReportTests
{
    private static HtmlReport Small()
    {
        var r = new HtmlReport("Report <1> & co") { Subtitle = "data \"x\"" };
        r.Paragraph("Intro <script>alert(1)</script>\n\nSecond paragraph.");
        var s = r.Section("Plots");
        s.Figure(Plots.Scatter([1, 2, 3], [2, 4, 5], "One"), "First & best");
        s.Figure(Plots.Density([1, 2, 2.5, 3, 7], "Two"), "Second");
        var t = r.Section("Tables");
        t.Table(new HtmlTable(["term", "estimate", "p"], [["(Intercept)", "12.66", "<0.001"], ["ses", "\u22122.39", "0.5"]]) { Caption = "Coefficients" });
        t.Preformatted("  a  <b>\n  c", "Summary");
        t.Section("Nested").Facts([("n", "7185")]).List(["one", "two"]);
        return r;
    }

    [Fact]
    public void IsSelfContained()
    {
        string html = Small().ToHtml();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(http", html, StringComparison.OrdinalIgnoreCase);
        var urls = Regex.Matches(html, "https?://[^\"' )<]+").Select(m => m.Value).Distinct().ToList();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapesText()
    {
        string html = Small().ToHtml();
        Assert.Contains("<title>Report &lt;1&gt; &amp; co</title>", html, StringComparison.Ordinal);
        Assert.Contains("Intro &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<pre>  a  &lt;b&gt;\n  c</pre>", html, StringComparison.Ordinal);
        Assert.Contains("First &amp; best", html, StringComparison.Ordinal);
    }

    [Fact]
    public void FiguresAreNumberedWithUniqueIds()
    {
        string html = Small().ToHtml();
        var ids = Regex.Matches(html, "\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("fig-1-title", ids);
        Assert.Contains("fig-2-title", ids);
        Assert.Contains("Figure 2.", html, StringComparison.Ordinal);
        // Every aria reference and in-page link resolves.
        foreach (Match m in Regex.Matches(html, "aria-labelledby=\"([^\"]+)\""))
        {
            foreach (string id in m.Groups[1].Value.Split(' ')) Assert.Contains(id, ids);
        }
        foreach (Match m in Regex.Matches(html, "href=\"#([^\"]+)\"")) Assert.Contains(m.Groups[1].Value, ids);
    }

    [Fact]
    public void SectionsNestAndTheContentsListThem()
    {
        string html = Small().ToHtml();
        Assert.Contains("<nav aria-label=\"Contents\">", html, StringComparison.Ordinal);
        Assert.Contains("<section id=\"sec-2-1\">\n<h3>Nested</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#sec-2-1\">Nested</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NumericColumnsAreRightAligned()
    {
        string html = Small().ToHtml();
        Assert.Contains("<th scope=\"col\">term</th><th scope=\"col\" class=\"num\">estimate</th><th scope=\"col\" class=\"num\">p</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">(Intercept)</th><td class=\"num\">12.66</td>", html, StringComparison.Ordinal);
        Assert.Contains("<caption><span class=\"figno\">Table 1.</span> Coefficients</caption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RaggedTablesAreRejected()
    {
        var r = new HtmlReport("t");
        var e = Assert.Throws<PlotDataException>(() => r.Table(new HtmlTable(["a", "b"], [["1"]])));
        Assert.Contains("1 cells but the table has 2 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsDeterministic() => Assert.Equal(Small().ToHtml(), Small().ToHtml());
}
