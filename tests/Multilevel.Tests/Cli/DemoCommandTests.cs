using System.Globalization;
using System.Text.RegularExpressions;
using Multilevel.Tests.Data;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>
/// <c>mlm demo</c>: the tutorial's figures appear in the text (the tutorial's printed tables and R's references are the
/// expected values), the ICC is the model's with lme4's profile interval, and the report holds the tutorial's plots.
/// </summary>
[Collection(SerialCollection.Name)]
public class DemoCommandTests
{
    [Fact]
    public async Task TextHasTheTutorialsFigures()
    {
        using var dir = new Cli.TempDir();
        var r = await Cli.Run("demo", "-o", dir.File("demo.html"));
        Assert.Equal(0, r.Exit);
        string o = r.Out;
        // describe() and the cross-tab, as the tutorial prints them
        Assert.Contains("mean     12.747853     0.000143", o, StringComparison.Ordinal);
        Assert.Contains("0         1315  415  1406  506", o, StringComparison.Ordinal);
        // MODEL 1 and MODEL 2 (the tutorial's statsmodels tables)
        Assert.Contains("Intercept     12.7474      0.076    168.424      0.000", o, StringComparison.Ordinal);
        Assert.Contains("ses            3.1839      0.097     32.783      0.000", o, StringComparison.Ordinal);
        Assert.Contains("Intercept     12.6573      0.153     82.568      0.000", o, StringComparison.Ordinal);
        Assert.Contains("ses            5.9093      0.371     15.910      0.000", o, StringComparison.Ordinal);
        // the two fixed-effects models (result.params)
        Assert.Contains("Intercept         12.747033\nses                2.191172\nschoolmean_ses     3.525709\n", o, StringComparison.Ordinal);
        Assert.Contains("Intercept       12.747853\ndemeaned_ses     2.191172\n", o, StringComparison.Ordinal);
        // the random-intercept MixedLM table
        Assert.Contains("No. Groups:       160     Scale:              37.0344", o, StringComparison.Ordinal);
        Assert.Contains("Min. group size:  14      Likelihood:         -23322.5847", o, StringComparison.Ordinal);
        Assert.Contains("Intercept      12.657", o, StringComparison.Ordinal);
        // the null model and the ses + sector model
        Assert.Contains("Scale:              39.1483", o, StringComparison.Ordinal);
        Assert.Contains("Likelihood:         -23558.3967", o, StringComparison.Ordinal);
        Assert.Contains("Likelihood:         -23305.5755", o, StringComparison.Ordinal);
        Assert.Contains("sector          2.101", o, StringComparison.Ordinal);
        // prototypical schools
        Assert.Contains("1946   (mean SES 0.004051)", o, StringComparison.Ordinal);
        Assert.Contains("5650   (mean SES 0.022444)", o, StringComparison.Ordinal);
        // the sections, in the tutorial's order
        int last = -1;
        foreach (var heading in new[] { "1. The data", "2. Variation within", "3. Linear models", "4. Fixed effects", "5. Random intercepts", "6. The null model", "7. A school-level", "8. Comparing", "9. Predictions", "10. So what" })
        {
            int at = o.IndexOf(heading, StringComparison.Ordinal);
            Assert.True(at > last, $"section '{heading}' missing or out of order");
            last = at;
        }
    }

    [Fact]
    public async Task IccIsTheModelsWithLme4sProfileInterval()
    {
        using var dir = new Cli.TempDir();
        var r = await Cli.Run("demo", "-o", dir.File("demo.html"));
        Assert.Equal(0, r.Exit);
        var reference = Fixtures.Reference("../reference-extra/inference/hsb_null_icc_profile.json");
        var m = Regex.Match(r.Out, @"ICC = τ² / \(τ² \+ σ²\)\s+= (?<icc>[0-9.]+)\s+95% profile-likelihood interval \[(?<lo>[0-9.]+), (?<hi>[0-9.]+)\]");
        Assert.True(m.Success, "the ICC line is missing");
        // printed with 4 decimals: half a unit of the last digit
        Assert.Equal(reference.GetProperty("icc").GetDouble(), double.Parse(m.Groups["icc"].Value, CultureInfo.InvariantCulture), 5e-5);
        Assert.Equal(reference.GetProperty("icc_lower").GetDouble(), double.Parse(m.Groups["lo"].Value, CultureInfo.InvariantCulture), 5e-5);
        Assert.Equal(reference.GetProperty("icc_upper").GetDouble(), double.Parse(m.Groups["hi"].Value, CultureInfo.InvariantCulture), 5e-5);
        // not the tutorial's residual-based 0.1603 nor its z = √160
        Assert.DoesNotContain("ICC = τ² / (τ² + σ²)        = 0.1603", r.Out, StringComparison.Ordinal);
        // the proportional reduction with the right formula: (8.614 − 4.768) / 8.614 from R's variance components
        var nullRef = Fixtures.Reference("hsb_null_reml.json");
        var sesRef = Fixtures.Reference("hsb_ses_reml.json");
        double v0 = nullRef.GetProperty("varcorr")[0].GetProperty("vcov").GetDouble();
        double v1 = sesRef.GetProperty("varcorr")[0].GetProperty("vcov").GetDouble();
        string expected = ((v0 - v1) / v0).ToString("F4", CultureInfo.InvariantCulture);
        Assert.Matches(new Regex($@"\nses\s+8\.614 → 4\.768: {Regex.Escape(expected)}"), r.Out);
    }

    [Fact]
    public async Task JsonAgreesWithTheReferences()
    {
        using var dir = new Cli.TempDir();
        var r = await Cli.Run("demo", "--json", "-o", dir.File("demo.html"));
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        var ols = Fixtures.Reference("hsb_ols_ses.json");
        Assert.Equal(ols.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), j.GetProperty("ols_students").GetProperty("ses").GetDouble(), 1e-8);
        var meanses = Fixtures.Reference("hsb_ols_ses_meanses.json");
        Assert.Equal(meanses.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), j.GetProperty("within_slope").GetDouble(), 1e-8);
        Assert.Equal(meanses.GetProperty("fixef").GetProperty("meanses").GetProperty("estimate").GetDouble(), j.GetProperty("fe_school_mean_covariate").GetProperty("schoolmean_ses").GetDouble(), 1e-8);
        var ses = Fixtures.Reference("hsb_ses_reml.json");
        var ri = j.GetProperty("mixed_models")[1];
        Assert.Equal("mathach ~ ses + (1 | schoolid)", ri.GetProperty("formula").GetString());
        Assert.Equal(ses.GetProperty("logLik").GetDouble(), ri.GetProperty("logLik").GetDouble(), 1e-6 * 23322.58);
        Assert.Equal(ses.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), ri.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), 1e-5 * 2.39);
        var interaction = Fixtures.Reference("hsb_interaction_reml.json");
        var im = j.GetProperty("mixed_models")[3];
        Assert.Equal(interaction.GetProperty("fixef").GetProperty("ses:sector").GetProperty("estimate").GetDouble(), im.GetProperty("fixef").GetProperty("ses:sector").GetProperty("estimate").GetDouble(), 1e-5 * 1.31);
        // ses → ses + sector → ses * sector: the two tests add up to R's anova(m_ses, m_interaction) (ML refits)
        var lrt = Fixtures.Reference("hsb_lrt.json");
        Assert.Equal(3, j.GetProperty("lrt").GetArrayLength());
        double chisq = j.GetProperty("lrt")[1].GetProperty("chisq").GetDouble() + j.GetProperty("lrt")[2].GetProperty("chisq").GetDouble();
        Assert.Equal(lrt.GetProperty("chisq").GetDouble(), chisq, 1e-6 * 46641);
        Assert.Equal("1946", j.GetProperty("prototypical_schools").GetProperty("public").GetString());
        Assert.Equal("5650", j.GetProperty("prototypical_schools").GetProperty("catholic").GetString());
        Assert.Equal(12, j.GetProperty("figures").GetInt32());
        Assert.True(File.Exists(j.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task ReportHoldsTheTutorialsPlots()
    {
        using var dir = new Cli.TempDir();
        string path = dir.File("demo.html");
        var r = await Cli.Run("demo", "-o", path);
        Assert.Equal(0, r.Exit);
        string html = File.ReadAllText(path);
        foreach (var title in new[]
        {
            "School math achievement, raw and de-meaned",
            "Predicting math achievement scores from SES with linear regression",
            "Predicting math achievement scores from de-meaned SES",
            "Fixed effects model predicting math achievement from SES &amp; school mean SES",
            "Predicting math achievement scores from SES (schools=160) (students=7185)",
            "Predicting individual math achievement scores from SES &amp; sector",
            "Predicting school math achievement scores from SES &amp; sector",
            "Random effects of schoolid",
            "Shrinkage of the intercept of schoolid",
            "Residuals vs fitted values",
            "Normal QQ plot of the residuals",
        })
        {
            Assert.Contains(title, html, StringComparison.Ordinal);
        }
        foreach (var kind in new[] { "boxplot", "scatter", "group-lines", "model-comparison", "caterpillar", "density", "shrinkage", "residuals", "qq" })
        {
            Assert.Contains($"data-kind=\"{kind}\"", html, StringComparison.Ordinal);
        }
        Assert.Equal(12, Regex.Count(html, "<figure class=\"plot\""));
        ReportAssert.SelfContained(html);
    }
}
