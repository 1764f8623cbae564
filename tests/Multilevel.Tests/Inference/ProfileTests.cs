using Multilevel.Inference;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>Profile-likelihood intervals against lme4's <c>confint(method = "profile", oldNames = FALSE)</c> (1e-3 relative).</summary>
public class ProfileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => [.. InferenceReferences.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProfileIntervalsMatchLme4(string name)
    {
        var fit = InferenceReferences.Fit(name);
        var expected = InferenceReferences.Intervals(InferenceReferences.Reference(name), "profile_ci_95");
        var result = ProfileLikelihood.ConfidenceIntervals(fit);
        Assert.Empty(result.Warnings);
        Assert.Equal(expected.Select(e => e.Parameter), result.Intervals.Select(i => i.Parameter));
        foreach (var (e, a) in expected.Zip(result.Intervals))
        {
            output.WriteLine($"{e.Parameter}: lower {a.Lower:R} vs {e.Lower:R} ({(a.Lower - e.Lower) / e.Lower:G3}), upper {a.Upper:R} vs {e.Upper:R} ({(a.Upper - e.Upper) / e.Upper:G3})");
            InferenceReferences.Close(e.Lower, a.Lower, 1e-3, $"{name} {e.Parameter} lower");
            InferenceReferences.Close(e.Upper, a.Upper, 1e-3, $"{name} {e.Parameter} upper");
        }
    }
}

/// <summary>Profiles of crossed terms, a singular fit and an ML fit (fixtures/reference-extra/inference, lme4 1.1-31), and the ICC's profile interval.</summary>
public class MoreProfileTests
{
    public static TheoryData<string> Cases() => ["penicillin", "dyestuff2", "sleepstudy_ml"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProfileIntervalsMatchLme4(string name)
    {
        var (design, criterion) = name switch
        {
            "penicillin" => (Models.Penicillin(), Multilevel.Models.LmmCriterion.Reml),
            "dyestuff2" => (Models.Of("dyestuff2.csv", "Yield ~ 1 + (1|Batch)"), Multilevel.Models.LmmCriterion.Reml),
            _ => (Models.Sleep(), Multilevel.Models.LmmCriterion.MaximumLikelihood),
        };
        var fit = Multilevel.Models.LinearMixedModel.Fit(design, new Multilevel.Models.LinearMixedModelOptions { Criterion = criterion });
        var reference = Multilevel.Tests.Models.Lmm.Fixtures.Reference($"../reference-extra/inference/{name}_profile.json");
        var expected = InferenceReferences.Intervals(reference, "profile_ci_95");
        var result = ProfileLikelihood.ConfidenceIntervals(fit);
        Assert.Empty(result.Warnings);
        Assert.Equal(expected.Select(e => e.Parameter), result.Intervals.Select(i => i.Parameter));
        foreach (var (e, a) in expected.Zip(result.Intervals))
        {
            if (e.Lower == 0) Assert.Equal(0.0, a.Lower);   // the bound: ζ never reaches −1.96 (dyestuff2's singular fit)
            else InferenceReferences.Close(e.Lower, a.Lower, 1e-3, $"{name} {e.Parameter} lower");
            InferenceReferences.Close(e.Upper, a.Upper, 1e-3, $"{name} {e.Parameter} upper");
        }
    }

    [Theory]
    [InlineData("hsb_null_icc_profile", "mathach ~ 1 + (1|schoolid)")]
    [InlineData("hsb_ses_icc_profile", "mathach ~ ses + (1|schoolid)")]
    public void IccProfileIntervalMatchesTheRemlProfileOfTheta(string file, string formula)
    {
        var reference = Multilevel.Tests.Models.Lmm.Fixtures.Reference($"../reference-extra/inference/{file}.json");
        var design = Models.Hsb(formula);
        var fit = Multilevel.Models.LinearMixedModel.Fit(design);
        var ci = VarianceDecomposition.ProfileIccInterval(fit);
        Assert.NotNull(ci);
        // θ̂ to 1e-4 (lme4 run to 1e-12 here); the limits are crossings of a smooth profile: 1e-5
        InferenceReferences.Close(reference.GetProperty("icc").GetDouble(), ci!.Estimate, 2e-4, "icc");
        InferenceReferences.Close(reference.GetProperty("icc_lower").GetDouble(), ci.Lower, 1e-5, "icc lower");
        InferenceReferences.Close(reference.GetProperty("icc_upper").GetDouble(), ci.Upper, 1e-5, "icc upper");
        Assert.Equal(VarianceDecomposition.Compute(fit).IccAdjusted, ci.Estimate, 12);
    }

    [Fact]
    public void NoIccProfileForVectorTerms() =>
        Assert.Null(VarianceDecomposition.ProfileIccInterval(InferenceReferences.Fit("sleepstudy")));
}
