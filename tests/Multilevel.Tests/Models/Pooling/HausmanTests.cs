using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.Linear;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>Hausman test against plm (hsb_hausman.json: phtest of within vs Swamy–Arora random effects).</summary>
public class HausmanTests
{
    private static readonly Hsb Data = LoadHsb();

    [Fact]
    public void SwamyAroraMatchesPlm()
    {
        var r = Reference("hsb_hausman.json");
        var d = MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]);
        var group = new GroupingVariable("schoolid", Data.School, Data.SchoolLevels);
        var test = Hausman.SwamyArora(d, group);
        var ses = Assert.Single(test.Terms);
        Assert.Equal("ses", ses.Term);
        Near(r.GetProperty("fe_ses").GetDouble(), ses.Fe, 1e-8, "fe");
        Near(r.GetProperty("fe_se").GetDouble(), ses.FeSe, 1e-8, "fe se");
        Near(r.GetProperty("re_ses").GetDouble(), ses.Re, 1e-8, "re");
        Near(r.GetProperty("re_se").GetDouble(), ses.ReSe, 1e-8, "re se");
        Near(r.GetProperty("chisq").GetDouble(), test.ChiSquared, 1e-6, "chisq");
        Assert.Equal(r.GetProperty("df").GetInt32(), test.Df);
        Near(r.GetProperty("p").GetDouble(), test.PValue, 1e-6, "p");
        Assert.Contains("Swamy-Arora", test.ReEstimator);
        // Mundlak: the school mean of ses gets a clearly non-zero coefficient (the correlation the test detects).
        Assert.NotNull(test.Mundlak);
        Assert.Equal(1, test.Mundlak!.Df);
        Assert.True(test.Mundlak.PValue < 1e-10);
        var text = Multilevel.Reporting.HausmanReport.Render("mathach ~ ses", "schoolid", Data.N, 160, [test]);
        Assert.Contains("chisq = 112.1950, df = 1, p-value = 3.238e-26", text);
        using var doc = System.Text.Json.JsonDocument.Parse(Multilevel.Reporting.PoolingJson.Hausman(test, "mathach ~ ses", "schoolid", Data.N, 160));
        var j = doc.RootElement;
        Near(r.GetProperty("chisq").GetDouble(), j.GetProperty("chisq").GetDouble(), 1e-6, "json chisq");
        Near(r.GetProperty("re_se").GetDouble(), j.GetProperty("terms").GetProperty("ses").GetProperty("re_se").GetDouble(), 1e-8, "json re_se");
        Assert.Contains("Swamy-Arora", j.GetProperty("re_estimator").GetString());
    }

    [Fact]
    public void RemlMatchesTheReferenceWithLme4sEstimate()
    {
        // hsb_hausman.json's reml_* fields: the same test with lme4's REML estimate and its standard error.
        var r = Reference("hsb_hausman.json");
        var d = MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]);
        var test = Hausman.Reml(d, new GroupingVariable("schoolid", Data.School, Data.SchoolLevels));
        var ses = Assert.Single(test.Terms);
        // README tolerances for mixed models: fixed effects 1e-5, standard errors 1e-4 (relative).
        Near(r.GetProperty("reml_re_ses").GetDouble(), ses.Re, 1e-5, "REML ses");
        Near(r.GetProperty("reml_re_se").GetDouble(), ses.ReSe, 1e-4, "REML se");
        Near(r.GetProperty("fe_se").GetDouble(), ses.FeSe, 1e-8, "FE se");
        // χ² divides by V_FE − V_RE, about 5% of V_RE, so it amplifies errors in the RE standard error twentyfold;
        // the fit reaches lme4's optimum closely enough for 1e-6 (the README's tolerance for the objective).
        Near(r.GetProperty("reml_chisq").GetDouble(), test.ChiSquared, 1e-6, "REML chisq");
        Near(r.GetProperty("reml_p").GetDouble(), test.PValue, 1e-5, "REML p");
        Assert.Contains("REML", test.ReEstimator);
        Assert.NotNull(test.Mundlak);
    }

    [Fact]
    public void CompareIsTheQuadraticFormOfTheDifferences()
    {
        // Two coefficients, hand-computed: d = (1, −1), V = diag(0.5, 0.25) → χ² = 1/0.5 + 1/0.25 = 6.
        var fe = new CoefficientCovariance("iid", [1.0, 0, 0, 1.0], 2, 100);
        var re = new CoefficientCovariance("iid", [0.5, 0, 0, 0.75], 2, 100);
        var t = Hausman.Compare(["a", "b"], [2.0, 1.0], fe, ["(Intercept)", "a", "b"], [9.0, 1.0, 2.0],
            new CoefficientCovariance("iid", [1, 0, 0, 0, 0.5, 0, 0, 0, 0.75], 3, 100), "test");
        Assert.Equal(6.0, t.ChiSquared, 1e-12);
        Assert.Equal(2, t.Df);
        Assert.Equal(Math.Exp(-3.0), t.PValue, 1e-12);
        Assert.NotNull(re);
    }
}
