using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Multilevel.Reporting;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

public class NoPoolingTests
{
    private static readonly Hsb Data = LoadHsb();

    [Fact]
    public void EverySchoolGetsItsOwnRegression()
    {
        var d = MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]);
        var fit = NoPooling.Fit(d, "schoolid", Data.School, Data.SchoolLevels);
        Assert.Equal(160, fit.Groups.Count);
        Assert.Empty(fit.Skipped);
        Assert.Equal(Data.SchoolLevels, fit.Groups.Select(g => g.Level));
        // Each group's slope and its standard error from the textbook formulas on that school's rows.
        foreach (var g in fit.Groups.Where((_, i) => i % 17 == 0))
        {
            int level = Array.IndexOf(Data.SchoolLevels, g.Level);
            var rows = Enumerable.Range(0, Data.N).Where(i => Data.School[i] == level).ToArray();
            double xb = rows.Average(i => Data.Ses[i]), yb = rows.Average(i => Data.MathAch[i]);
            double sxx = rows.Sum(i => (Data.Ses[i] - xb) * (Data.Ses[i] - xb));
            double sxy = rows.Sum(i => (Data.Ses[i] - xb) * (Data.MathAch[i] - yb));
            double b1 = sxy / sxx, b0 = yb - b1 * xb;
            double rss = rows.Sum(i => Math.Pow(Data.MathAch[i] - b0 - b1 * Data.Ses[i], 2));
            double s2 = rss / (rows.Length - 2);
            Assert.Equal(rows.Length, g.Observations);
            Near(b1, g.Estimates[1], 1e-10, $"slope of {g.Level}");
            Near(b0, g.Estimates[0], 1e-10, $"intercept of {g.Level}");
            Near(Math.Sqrt(s2 / sxx), g.StandardErrors[1], 1e-10, $"se of slope of {g.Level}");
            Near(Math.Sqrt(s2), g.Sigma, 1e-10, $"sigma of {g.Level}");
        }
        var text = NoPoolingTable.Render(fit);
        Assert.Contains("160 group(s) fitted", text);
    }

    [Fact]
    public void SmallAndSingularGroupsAreListedNotFatal()
    {
        // Group a: 5 rows (fine); b: 2 rows (too small for 2 coefficients); c: 4 rows with constant x (singular).
        double[] x = [1, 2, 3, 4, 5, 1, 2, 7, 7, 7, 7];
        double[] y = [1, 3, 2, 5, 4, 2, 2, 1, 2, 3, 4];
        int[] g = [0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
        var d = MakeDesign("y ~ x", "y", y, [("(Intercept)", Ones(11)), ("x", x)]);
        var fit = NoPooling.Fit(d, "g", g, ["a", "b", "c"]);
        Assert.Equal(["a"], fit.Groups.Select(r => r.Level));
        Assert.Equal(2, fit.Skipped.Count);
        Assert.Contains(fit.Skipped, s => s.Level == "b" && s.Reason.StartsWith("too small", StringComparison.Ordinal));
        Assert.Contains(fit.Skipped, s => s.Level == "c" && s.Reason.StartsWith("singular", StringComparison.Ordinal) && s.Reason.Contains('x'));
        var text = NoPoolingTable.Render(fit);
        Assert.Contains("Not fitted:", text);
        using var doc = System.Text.Json.JsonDocument.Parse(PoolingJson.ByGroup(fit));
        Assert.Equal("by-group", doc.RootElement.GetProperty("method").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("skipped").GetArrayLength());
    }

    [Fact]
    public void GlmPerGroupListsSeparatedGroups()
    {
        // Group b is perfectly separated by x; group a is not.
        double[] x = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6];
        double[] y = [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1];
        int[] g = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        var d = MakeDesign("y ~ x", "y", y, [("(Intercept)", Ones(12)), ("x", x)]);
        var fit = NoPooling.Fit(d, "g", g, ["a", "b"], GlmFamily.Binomial);
        Assert.Equal(["a"], fit.Groups.Select(r => r.Level));
        Assert.Contains("complete separation", fit.Skipped.Single().Reason);
    }
}
