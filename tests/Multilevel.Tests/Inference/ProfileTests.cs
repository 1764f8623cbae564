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
