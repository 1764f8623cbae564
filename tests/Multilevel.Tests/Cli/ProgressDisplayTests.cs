using Multilevel.Cli.Infrastructure;
using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>The progress line: silent for the first second, throttled, erased at the end (a fake clock drives it).</summary>
public class ProgressDisplayTests
{
    [Fact]
    public void ShowsNothingInTheFirstSecondThenOneLineThatIsErased()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        var display = new ProgressDisplay(writer, "y ~ x + (1 | g)", TimeSpan.FromSeconds(1), () => now);
        display.Report(new FitProgress("optimize", 10, 123.4));
        now = TimeSpan.FromMilliseconds(900);
        display.Report(new FitProgress("optimize", 20, 120.0));
        Assert.Equal("", writer.ToString());
        now = TimeSpan.FromMilliseconds(1200);
        display.Report(new FitProgress("optimize", 30, 119.5));
        Assert.Contains("30 evaluations, objective 119.5000", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains("Ctrl+C", writer.ToString(), StringComparison.Ordinal);
        Assert.True(display.Shown);
        now = TimeSpan.FromMilliseconds(1250);   // within 100 ms: not redrawn
        display.Report(new FitProgress("optimize", 31, 119.4));
        Assert.DoesNotContain("31 evaluations", writer.ToString(), StringComparison.Ordinal);
        now = TimeSpan.FromMilliseconds(1400);
        display.Report(new FitProgress("optimize", 40, 119.1));
        Assert.Contains("40 evaluations", writer.ToString(), StringComparison.Ordinal);
        display.Dispose();
        string text = writer.ToString();
        Assert.EndsWith("\r", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        int before = text.Length;
        display.Report(new FitProgress("optimize", 50, 119.0));
        Assert.Equal(before, writer.ToString().Length);
    }

    [Fact]
    public void FastFitsLeaveNoTrace()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        using (var display = new ProgressDisplay(writer, "y ~ x", TimeSpan.FromSeconds(1), () => now))
        {
            for (int i = 0; i < 100; i++)
            {
                now = TimeSpan.FromMilliseconds(i * 5);
                display.Report(new FitProgress("optimize", i, 1.0));
            }
        }
        Assert.Equal("", writer.ToString());
    }
}
