using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>Nakagawa's R² and the ICC against R's performance 0.10.2 (1e-6 relative), Wald intervals against lme4, and the decomposition of the tutorial.</summary>
public class VarianceDecompositionTests
{
    public static TheoryData<string> Cases() => [.. InferenceReferences.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void R2AndIccMatchPerformance(string name)
    {
        // at lme4's θ̂ (performance computed them from lme4's fit); at our own optimum see the next test
        var fit = InferenceReferences.FitAtLme4Theta(name);
        var reference = InferenceReferences.Reference(name);
        var d = VarianceDecomposition.Compute(fit);
        InferenceReferences.Close(reference.GetProperty("r2_marginal").GetDouble(), d.R2Marginal, 1e-6, "r2_marginal");
        InferenceReferences.Close(reference.GetProperty("r2_conditional").GetDouble(), d.R2Conditional, 1e-6, "r2_conditional");
        InferenceReferences.Close(reference.GetProperty("icc_adjusted").GetDouble(), d.IccAdjusted, 1e-6, "icc_adjusted");
        InferenceReferences.Close(reference.GetProperty("icc_conditional").GetDouble(), d.IccConditional, 1e-6, "icc_conditional");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void R2AndIccAtOurOptimumAgreeWithinLme4sStoppingError(string name)
    {
        // lme4's default stop leaves θ̂ about 1e-4 from the optimum; the variance components move by up to ~1e-5
        // relative, and so do these ratios (sleepstudy: 3e-6).
        var fit = InferenceReferences.Fit(name);
        var reference = InferenceReferences.Reference(name);
        var d = VarianceDecomposition.Compute(fit);
        InferenceReferences.Close(reference.GetProperty("r2_marginal").GetDouble(), d.R2Marginal, 1e-5, "r2_marginal");
        InferenceReferences.Close(reference.GetProperty("r2_conditional").GetDouble(), d.R2Conditional, 1e-5, "r2_conditional");
        InferenceReferences.Close(reference.GetProperty("icc_adjusted").GetDouble(), d.IccAdjusted, 1e-5, "icc_adjusted");
        InferenceReferences.Close(reference.GetProperty("icc_conditional").GetDouble(), d.IccConditional, 1e-5, "icc_conditional");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WaldIntervalsMatchLme4(string name)
    {
        var fit = InferenceReferences.Fit(name);
        var expected = InferenceReferences.Intervals(InferenceReferences.Reference(name), "wald_ci_95");
        var actual = WaldIntervals.FixedEffects(fit);
        Assert.Equal(expected.Select(e => e.Parameter), actual.Select(a => a.Parameter));
        foreach (var (e, a) in expected.Zip(actual))
        {
            // β̂ to 1e-5 and its standard error to 1e-4 (the README's LMM tolerances): the limits follow
            InferenceReferences.Close(e.Lower, a.Lower, 1e-5, $"{e.Parameter} lower");
            InferenceReferences.Close(e.Upper, a.Upper, 1e-5, $"{e.Parameter} upper");
        }
    }

    [Fact]
    public void NullModelDecompositionIsTheModelsComponents()
    {
        // hsb null model, lme4 REML: school variance 8.614, residual 39.148 (hsb_null_reml.json): ICC ≈ 0.180, not the
        // tutorial's residual-based 0.1603.
        var reference = Fixtures.Reference("hsb_null_reml.json");
        var rows = reference.GetProperty("varcorr").EnumerateArray().ToArray();
        double tau2 = rows.Single(r => r.GetProperty("group").GetString() == "schoolid").GetProperty("vcov").GetDouble();
        double sigma2 = rows.Single(r => r.GetProperty("group").GetString() == "Residual").GetProperty("vcov").GetDouble();
        var fit = LinearMixedModel.Fit(Models.Hsb("mathach ~ 1 + (1|schoolid)"));
        var d = VarianceDecomposition.Compute(fit);
        InferenceReferences.Close(tau2 / (tau2 + sigma2), d.IccAdjusted, 1e-4, "ICC");
        Assert.Equal(d.IccAdjusted, d.IccConditional, 12);   // no fixed part beyond the intercept
        Assert.Equal(0.0, d.R2Marginal, 12);
        InferenceReferences.Close(tau2, d.Terms[0].Variance, 1e-4, "school variance");
        Assert.Equal(d.IccAdjusted, d.Terms[0].Share, 12);
        Assert.Equal(1.0, d.Terms[0].Share + d.ResidualShare, 12);
    }

    [Fact]
    public void ProportionalReductionIsRelativeToTheBaseline()
    {
        var null0 = LinearMixedModel.Fit(Models.Hsb("mathach ~ 1 + (1|schoolid)"));
        var ses = InferenceReferences.Fit("hsb_ses");
        var rows = VarianceReduction.Compare(null0, ses);
        Assert.Equal(["schoolid", "Residual"], rows.Select(r => r.Level));
        // against the components of the two lme4 references
        double Component(string file, string group) => Fixtures.Reference(file).GetProperty("varcorr").EnumerateArray()
            .Single(r => r.GetProperty("group").GetString() == group).GetProperty("vcov").GetDouble();
        foreach (var row in rows)
        {
            double v0 = Component("hsb_null_reml.json", row.Level), v1 = Component("hsb_ses_reml.json", row.Level);
            InferenceReferences.Close((v0 - v1) / v0, row.ProportionalReduction, 1e-3, row.Level);
        }
        Assert.InRange(rows[0].ProportionalReduction, 0.44, 0.45);   // (8.614 − 4.768)/8.614
        Assert.InRange(rows[1].ProportionalReduction, 0.05, 0.06);   // (39.148 − 37.034)/39.148
    }
}
