using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// Full fits (BOBYQA from lme4's start) against every LMM reference at the README's tolerances: against lme4
/// run to its optimum (<c>*_tight.json</c>: xtol_rel = 1e-12) directly, and against the shared references
/// (lme4's defaults, which stop about 1e-4 from the optimum in θ) allowing for lme4's own stopping error.
/// </summary>
public class FitTests
{
    public static TheoryData<string> Models() => [.. ReferenceModels.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Models))]
    public void FitMatchesLme4AtItsOptimum(string name)
    {
        var model = ReferenceModels.Get(name);
        var tight = Fixtures.Reference($"../reference-extra/lmm/{name}_tight.json");
        var fit = LinearMixedModel.Fit(model.Design(), new LinearMixedModelOptions { Criterion = model.Criterion });
        ReferenceAssert.Matches(fit, tight);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FitMatchesLme4Reference(string name)
    {
        var model = ReferenceModels.Get(name);
        var reference = Fixtures.Reference(model.ReferenceFile);
        var tight = Fixtures.Reference($"../reference-extra/lmm/{name}_tight.json");
        var fit = LinearMixedModel.Fit(model.Design(), new LinearMixedModelOptions { Criterion = model.Criterion });
        ReferenceAssert.Matches(fit, reference, tight);
    }
}
