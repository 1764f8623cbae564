using Multilevel.Models;
using Multilevel.Reporting;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// statsmodels' MixedLM layout against the seed tutorial's table for <c>mathach ~ ses</c> with school random
/// intercepts (REML): the model information lines character for character, the header, names and Coef. column;
/// the standard errors are lme4's (CONTRACT.md), so Std.Err., z, P and the interval are checked against ours.
/// </summary>
public class MixedLmSummaryTests
{
    // The tutorial's table (statsmodels 0.6), as printed there (its '=' and '-' rules were lost in the page's text).
    private static readonly string[] Tutorial =
    [
        "          Mixed Linear Model Regression Results",
        "Model:            MixedLM Dependent Variable: mathach    ",
        "No. Observations: 7185    Method:             REML       ",
        "No. Groups:       160     Scale:              37.0344    ",
        "Min. group size:  14      Likelihood:         -23322.5847",
        "Max. group size:  67      Converged:          Yes        ",
        "Mean group size:  44.9                                   ",
        "               Coef.  Std.Err.   z    P>|z| [0.025 0.975]",
        "Intercept      12.657    0.188 67.322 0.000 12.288 13.025",
        "ses             2.390    0.108 22.133 0.000  2.179  2.602",
        "Intercept RE    4.768    0.109                           ",
    ];

    [Fact]
    public void ReproducesTheTutorialTable()
    {
        var fit = LinearMixedModel.Fit("mathach ~ ses + (1|schoolid)", FixtureData.Load("hsb.csv"));
        var lines = MixedLmSummary.Render(fit).Split('\n');
        var table = lines.Where(l => l.Length > 0 && l.Trim('=', '-').Length > 0).Take(Tutorial.Length).ToArray();
        for (int i = 0; i < 8; i++) Assert.Equal(Tutorial[i], table[i]);
        Assert.Equal(new string('=', 57), lines[1]);
        for (int i = 8; i < Tutorial.Length; i++)
        {
            Assert.Equal(Tutorial[i].Length, table[i].Length);
            Assert.Equal(Tutorial[i][..21], table[i][..21]); // name and Coef.
        }
        // ours: lme4's standard errors (fixtures/reference/hsb_ses_reml.json) and what follows from them
        var reference = Multilevel.Tests.Models.Lmm.Fixtures.Reference("hsb_ses_reml.json").GetProperty("fixef");
        string Row(string name, string r)
        {
            double b = reference.GetProperty(r).GetProperty("estimate").GetDouble(), se = reference.GetProperty(r).GetProperty("se").GetDouble();
            string F(double x) => x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
            return $"{name,-12}{F(b),9}{F(se),9}{F(b / se),7}{"0.000",6}{F(b - 1.959963984540054 * se),7}{F(b + 1.959963984540054 * se),7}";
        }
        Assert.Equal(Row("Intercept", "(Intercept)"), table[8]);
        Assert.Equal(Row("ses", "ses"), table[9]);
        Assert.Equal("Intercept RE    4.768" + new string(' ', 36), table[10]);
        Assert.Contains("lme4", string.Join("\n", lines[^5..]), StringComparison.Ordinal);
    }
}
