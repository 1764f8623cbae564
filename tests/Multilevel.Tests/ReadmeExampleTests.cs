using Multilevel.Data;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests;

/// <summary>The README's library example, line for line, checked against R (hsb_ses_reml.json, hsb_ses_inference.json).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExampleGivesLme4sNumbers()
    {
        // --- README: begin ---
        Frame hsb = DataSource.Load("hsb");                                     // a built-in data set, or a .csv/.dta path
        var fit = LinearMixedModel.Fit("mathach ~ ses + (1 | schoolid)", hsb);  // REML, as lme4's lmer
        double ses = fit.FixedEffects[1], se = fit.StandardErrors[1];          // 2.3902, 0.1057
        var icc = VarianceDecomposition.Compute(fit).IccAdjusted;              // 0.1141 (performance::icc)
        var tests = Satterthwaite.Coefficients(fit);                           // lmerTest's df and p-values
        // --- README: end ---

        var reml = Fixtures.Reference("hsb_ses_reml.json").GetProperty("fixef").GetProperty("ses");
        var inference = Fixtures.Reference("hsb_ses_inference.json");
        Assert.Equal(reml.GetProperty("estimate").GetDouble(), ses, 1e-4);
        Assert.Equal(reml.GetProperty("se").GetDouble(), se, 1e-4);
        Assert.Equal(inference.GetProperty("icc_adjusted").GetDouble(), icc, 1e-4);
        Assert.Equal(inference.GetProperty("satterthwaite")[1].GetProperty("df").GetDouble(), tests[1].DegreesOfFreedom, 1e-2);
    }
}
