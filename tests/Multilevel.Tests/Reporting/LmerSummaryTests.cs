using Multilevel.Reporting;
using Multilevel.Reporting.Text;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// lme4's summary() layout, character for character against R's own output for the same models run to the
/// optimum (fixtures/reference-extra/lmm/*_summary.txt; R's "Control:" line, which names the R control object,
/// is left out).
/// </summary>
public class LmerSummaryTests
{
    [Theory]
    [InlineData("sleepstudy_reml", "sleepstudy")]
    [InlineData("hsb_ses_ml", "hsb")]
    [InlineData("pastes_nested", "pastes")]
    [InlineData("hsb_interaction_reml", "hsb")]
    [InlineData("penicillin_crossed", "penicillin")]
    public void MatchesLme4Text(string name, string dataName)
    {
        var expected = File.ReadAllLines(Fixtures.ReferencePath($"../reference-extra/lmm/{name}_summary.txt"))
            .Where(l => !l.StartsWith("Control:", StringComparison.Ordinal));
        var fit = ReferenceModels.Get(name).Fit();
        var actual = LmerSummary.Render(fit, dataName).TrimEnd('\n').Split('\n');
        Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
    }

    [Theory]
    [InlineData("(Intercept)", 6, "(Intr)")]
    [InlineData("(Intercept)", 11, "(Intercept)")]
    [InlineData("ses:sector", 6, "ss:sct")]
    [InlineData("sector", 6, "sector")]
    [InlineData("service1", 6, "servc1")]
    [InlineData("sectorCatholic", 6, "sctrCt")]
    [InlineData("I(ses^2)", 6, "I(s^2)")]
    [InlineData("minority:female", 6, "mnrty:")]
    // expected values from R 4.2's abbreviate()
    public void AbbreviatesAsR(string name, int length, string expected) => Assert.Equal(expected, RPrint.Abbreviate(name, length));

    [Fact]
    public void FormatsWithCommonDecimalsAsR()
    {
        Assert.Equal(["612.10", " 35.07", "654.94"], RPrint.Format([612.1002, 35.0717, 654.94], 4));
        Assert.Equal(["24.741", " 5.922", "25.592"], RPrint.Format([24.74066, 5.922138, 25.5918], 4));
        // R 4.2: format(c(3.62961581958612, 6.82429998425825e-09, 36.8311226305991), digits = 4)
        Assert.Equal(["3.630e+00", "6.824e-09", "3.683e+01"], RPrint.Format([3.62961581958612, 6.82429998425825e-09, 36.8311226305991], 4));
        Assert.Equal(["1.905e+00", "8.261e-05", "6.069e+00"], RPrint.Format([1.905155, 8.26093e-05, 6.068865], 4));
        Assert.Equal([-3.07709, -0.72532, 0.01753, 0.76025, 3.02224], RPrint.ZapSmall([-3.0770912, -0.7253212, 0.0175312, 0.7602512, 3.0222412], 5));
        Assert.Equal(["247"], RPrint.Format([247.0], 7));
    }
}
