using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Tests.Models.Glmm;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Models;

/// <summary>
/// Linear and generalized fits through their common base type, as code that reports or compares any mixed model
/// reads them: the likelihood, information criteria and sizes against lme4's (hsb_ses_reml.json, and for the GLMM lme4 run to its optimum, cbpp_laplace_tight.json;
/// 1e-6 relative), and the shared derived quantities.
/// </summary>
public class MixedModelFitTests
{
    public static TheoryData<string> Fits() => ["hsb_ses_reml.json", "../reference-extra/glmm/cbpp_laplace_tight.json"];

    [Theory]
    [MemberData(nameof(Fits))]
    public void CommonMembersMatchLme4(string reference)
    {
        MixedModelFit fit = reference.StartsWith("hsb", StringComparison.Ordinal)
            ? LinearMixedModel.Fit("mathach ~ ses + (1|schoolid)", Multilevel.Data.Datasets.Load("hsb"))
            : GeneralizedLinearMixedModel.Fit(GlmmDesigns.CbppFormula, GlmmDesigns.CbppData(), GlmFamily.Binomial);
        var r = Fixtures.Reference(reference);
        Assert.Equal(r.GetProperty("nobs").GetInt32(), fit.Observations);
        Assert.Equal(r.GetProperty("formula").GetString()!.Replace(" ", "", StringComparison.Ordinal), fit.Formula.Replace(" ", "", StringComparison.Ordinal));
        // AIC and BIC from lme4's logLik by R's definitions where the reference does not list them
        double logLik = r.GetProperty("logLik").GetDouble(), df = r.GetProperty("df").GetInt32(), n = fit.Observations;
        double Listed(string name, double otherwise) => r.TryGetProperty(name, out var v) ? v.GetDouble() : otherwise;
        foreach (var (name, value, expected) in new[]
        {
            ("logLik", fit.LogLikelihood, logLik),
            ("AIC", fit.Aic, Listed("AIC", -2 * logLik + 2 * df)),
            ("BIC", fit.Bic, Listed("BIC", -2 * logLik + df * Math.Log(n))),
        })
        {
            Assert.True(Math.Abs(value - expected) <= 1e-6 * Math.Abs(expected), $"{name}: {value:R} vs lme4 {expected:R}");
        }
        Assert.Equal(r.GetProperty("df").GetInt32(), fit.DegreesOfFreedom);
        Assert.True(fit.Converged);
        var correlation = fit.FixedEffectsCorrelation;
        for (int i = 0; i < fit.FixedEffects.Length; i++)
        {
            Assert.Equal(1.0, correlation[i, i], 12);
            Assert.Equal(Math.Sqrt(fit.Vcov[i, i]), fit.StandardErrors[i]);
        }
        Assert.Equal(fit.Observations, fit.Fitted.Length);
        Assert.Equal(fit.Observations, fit.ScaledResiduals.Length);
    }
}
