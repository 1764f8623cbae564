using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>Checks that a report or plot stands alone.</summary>
internal static class ReportAssert
{
    /// <summary>One HTML file that fetches nothing: no scripts, no external style sheets, images, fonts or links to load;
    /// a Content-Security-Policy that forbids any fetch; every inline SVG well-formed.</summary>
    public static void SelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(https?:|//)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(\s*['""]?(https?:|//)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        foreach (Match m in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline)) Svg(m.Value);
    }

    /// <summary>A well-formed SVG document with a title and drawn content.</summary>
    public static XElement Svg(string svg)
    {
        var root = XElement.Parse(svg);
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Contains(root.Descendants(), e => e.Name.LocalName == "title" && e.Value.Length > 0);
        Assert.Contains(root.Descendants(), e => e.Name.LocalName is "circle" or "path" or "rect" or "line" or "polyline");
        Assert.Contains(root.Descendants(), e => e.Name.LocalName == "text");
        return root;
    }
}
