using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>The lead's extra R references (fixtures/reference-extra, make-extra-references.R) that concern
/// OLS variance estimators, absorbed fixed effects and GLMs. Tolerances as ../reference/README.md.</summary>
public class ExtraReferenceTests
{
    private static readonly Hsb Data = LoadHsb();

    [Fact]
    public void OlsVarianceEstimatorsIncludingTwoWayClusters()
    {
        var r = Reference("../reference-extra/hsb_ols_vcov.json");
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses + sector", "mathach", Data.MathAch,
            [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses), ("sector", Data.Sector)]));
        var school = new ClusterVariable("schoolid", Data.School);
        var minority = new ClusterVariable("minority", Data.Minority.Select(v => (int)v).ToArray());
        var cases = new (string Field, CoefficientCovariance V)[]
        {
            ("se_iid", VarianceEstimators.Iid(fit)),
            ("se_HC1", VarianceEstimators.HC1(fit)),
            ("se_CR1_schoolid", VarianceEstimators.ClusterRobust(fit, [school])),
            ("se_CR1_schoolid_minority", VarianceEstimators.ClusterRobust(fit, [school, minority])),
        };
        foreach (var (field, v) in cases)
        {
            var se = v.StandardErrors();
            foreach (var term in r.GetProperty(field).EnumerateObject())
            {
                int j = fit.CoefficientNames.ToList().IndexOf(term.Name);
                Near(term.Value.GetDouble(), se[j], 1e-8, $"{field} {term.Name}");
            }
        }
        foreach (var term in r.GetProperty("estimate").EnumerateObject())
        {
            Near(term.Value.GetDouble(), fit.Coefficients[fit.CoefficientNames.ToList().IndexOf(term.Name)], 1e-8, term.Name);
        }
    }

    [Fact]
    public void AbsorbedSchoolsAgainstLsdvVariances()
    {
        var r = Reference("../reference-extra/hsb_lsdv_vcov.json");
        var fit = AbsorbedFixedEffects.Fit(MakeDesign("mathach ~ ses | schoolid", "mathach", Data.MathAch,
            [("ses", Data.Ses)], absorbed: [new AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School)]));
        Near(r.GetProperty("ses").GetDouble(), fit.Coefficients[0], 1e-8, "ses");
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), fit.ResidualDf);
        Near(r.GetProperty("se_iid").GetDouble(), VarianceEstimators.Iid(fit).StandardErrors()[0], 1e-8, "iid");
        Near(r.GetProperty("se_HC1").GetDouble(), VarianceEstimators.HC1(fit).StandardErrors()[0], 1e-8, "HC1");
        // Nested in the clusters, the 160 school effects are not counted (fixest): (n − 161)/(n − 1) on V.
        var cr1 = VarianceEstimators.ClusterRobust(fit, [new ClusterVariable("schoolid", Data.School)]);
        Near(r.GetProperty("se_CR1_schoolid").GetDouble() * Math.Sqrt((Data.N - 161.0) / (Data.N - 1.0)), cr1.StandardErrors()[0], 1e-8, "CR1");
        Assert.Contains(cr1.Notes!, n => n.Contains("nested"));
    }

    private static void GlmMatches(GlmFit fit, System.Text.Json.JsonElement r)
    {
        Assert.Equal(r.GetProperty("nobs").GetInt32(), fit.Observations);
        Assert.Equal(r.GetProperty("df").GetInt32(), fit.LogLikelihoodDf);
        Near(r.GetProperty("logLik").GetDouble(), fit.LogLikelihood, 1e-6, "logLik");
        Near(r.GetProperty("AIC").GetDouble(), fit.Aic, 1e-6, "AIC");
        Near(r.GetProperty("BIC").GetDouble(), fit.Bic, 1e-6, "BIC");
        Near(r.GetProperty("deviance").GetDouble(), fit.Deviance, 1e-6, "deviance");
        Near(r.GetProperty("null_deviance").GetDouble(), fit.NullDeviance, 1e-6, "null deviance");
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), fit.ResidualDf);
        Assert.Equal(r.GetProperty("iterations").GetInt32(), fit.Iterations);
        var se = fit.Covariance().StandardErrors();
        foreach (var term in r.GetProperty("fixef").EnumerateObject())
        {
            int j = fit.CoefficientNames.ToList().IndexOf(term.Name);
            Near(term.Value.GetProperty("estimate").GetDouble(), fit.Coefficients[j], 1e-6, term.Name);
            Near(term.Value.GetProperty("se").GetDouble(), se[j], 1e-6, term.Name + " se");
        }
    }

    [Fact]
    public void PoissonWithANumericOffset()
    {
        var c = Csv("grouseticks.csv");
        var (year, levels) = Factor(c["YEAR"]);
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(year.Length)) };
        cols.AddRange(Dummies(year, levels, "YEAR"));
        var d = MakeDesign("TICKS ~ YEAR + offset(cHEIGHT)", "TICKS", Numeric(c["TICKS"]), cols, offset: Numeric(c["cHEIGHT"]));
        GlmMatches(GeneralizedLinearModel.Fit(d, GlmFamily.Poisson), Reference("../reference-extra/grouseticks_glm_poisson_offset.json"));
    }

    [Fact]
    public void LogitOnAZeroOneColumn()
    {
        var d = MakeDesign("minority ~ ses + mathach", "minority", Data.Minority,
            [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses), ("mathach", Data.MathAch)]);
        GlmMatches(GeneralizedLinearModel.Fit(d, GlmFamily.Binomial), Reference("../reference-extra/hsb_glm_logit_01.json"));
    }

    [Fact]
    public void GaussianGlmEqualsOls()
    {
        var d = MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]);
        GlmMatches(GeneralizedLinearModel.Fit(d, GlmFamily.Gaussian), Reference("../reference-extra/hsb_glm_gaussian.json"));
    }
}
