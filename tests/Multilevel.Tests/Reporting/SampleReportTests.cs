using Xunit;

namespace Multilevel.Tests.Reporting;

public class SampleReportTests
{
    [Fact]
    public void WritesTheSampleReportAsATestArtifact()
    {
        string html = SampleReport.Build().ToHtml();
        string dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "sample-report.html"), html);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }
}
