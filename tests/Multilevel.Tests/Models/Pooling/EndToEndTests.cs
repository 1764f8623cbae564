using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Multilevel.Tests.Design;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>Formula text → design (the product's reader and design builder) → fit, against R's references
/// and the tutorial.</summary>
public class EndToEndTests
{
    private static readonly Lazy<Multilevel.Data.Frame> Hsb = new(() => FixtureData.Load("hsb.csv"));

    private static ModelDesign Design(string formula, string file = "hsb.csv", DesignOptions? options = null) =>
        DesignBuilder.Build(formula, file == "hsb.csv" ? Hsb.Value : FixtureData.Load(file), options);

    [Theory]
    [InlineData("mathach ~ ses", "hsb_ols_ses.json")]
    [InlineData("mathach ~ ses + meanses", "hsb_ols_ses_meanses.json")]
    [InlineData("mathach ~ ses + factor(schoolid)", "hsb_ols_ses_fe.json")]
    public void OlsFromFormulas(string formula, string reference) =>
        LinearModelTests.MatchesReference(LinearModel.Fit(Design(formula)), Reference(reference));

    [Fact]
    public void TutorialFixedEffectsModelsFromFormulas()
    {
        var a = LinearModel.Fit(Design("mathach ~ ses + gmean(ses, schoolid)"));
        Printed(2.191172, 6, a.Coefficients[a.CoefficientNames.ToList().IndexOf("ses")], "ses");
        Printed(3.525709, 6, a.Coefficients[2], "gmean(ses, schoolid)");
        var b = LinearModel.Fit(Design("mathach ~ demean(ses, schoolid)"));
        Printed(12.747853, 6, b.Coefficients[0], "Intercept");
        Printed(2.191172, 6, b.Coefficients[1], "demean(ses, schoolid)");
        // And the same slope from the absorbed school effects, to LSDV's precision.
        var c = LinearModel.Fit(Design("mathach ~ ses | schoolid"));
        Assert.Equal("within", c.Method);
        Near(Reference("hsb_ols_ses_fe.json").GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(),
            c.Coefficients[0], 1e-8, "within ses");
    }

    [Fact]
    public void BetweenFromAFormula()
    {
        var d = Design("mathach ~ ses");
        var g = GroupingVariable.FromColumn(Hsb.Value, "schoolid", d.RowIndex);
        var fit = BetweenEstimator.Fit(d, "schoolid", g.Codes, g.Levels.Count);
        Printed(5.9093, 4, fit.Coefficients[1], "MODEL 2 ses");
        Printed(0.616, 3, fit.RSquared, "MODEL 2 R²");
    }

    [Fact]
    public void CbppGlmFromAFormula()
    {
        var d = Design("cbind(incidence, size - incidence) ~ period", "cbpp.csv", new DesignOptions { Response = ResponseKind.Binomial });
        var fit = GeneralizedLinearModel.Fit(d, GlmFamily.Binomial);
        var r = Reference("cbpp_glm.json");
        Near(r.GetProperty("deviance").GetDouble(), fit.Deviance, 1e-6, "deviance");
        Near(r.GetProperty("AIC").GetDouble(), fit.Aic, 1e-6, "AIC");
        var se = fit.Covariance().StandardErrors();
        foreach (var term in r.GetProperty("fixef").EnumerateObject())
        {
            int j = fit.CoefficientNames.ToList().IndexOf(term.Name);
            Near(term.Value.GetProperty("estimate").GetDouble(), fit.Coefficients[j], 1e-6, term.Name);
            Near(term.Value.GetProperty("se").GetDouble(), se[j], 1e-6, term.Name + " se");
        }
    }

    [Fact]
    public void HausmanFromAFormula()
    {
        var d = Design("mathach ~ ses");
        var test = Hausman.SwamyArora(d, GroupingVariable.FromColumn(Hsb.Value, "schoolid", d.RowIndex));
        Near(Reference("hsb_hausman.json").GetProperty("chisq").GetDouble(), test.ChiSquared, 1e-6, "chisq");
    }
}
