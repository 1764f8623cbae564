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
        var fit = model.Fit();
        ReferenceAssert.Matches(fit, tight);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FitMatchesLme4Reference(string name)
    {
        var model = ReferenceModels.Get(name);
        var reference = Fixtures.Reference(model.ReferenceFile);
        var tight = Fixtures.Reference($"../reference-extra/lmm/{name}_tight.json");
        var fit = model.Fit();
        ReferenceAssert.Matches(fit, reference, tight);
    }
}

/// <summary>The convergence check warns only when something is wrong.</summary>
public class ConvergenceWarningTests
{
    public static TheoryData<string> CleanModels() =>
        [.. ReferenceModels.All.Where(c => Fixtures.Reference(c.ReferenceFile) is var r && (!r.TryGetProperty("lme4_warnings", out var w) || w.GetArrayLength() == 0)).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CleanModels))]
    public void NoWarningWhereLme4HadNone(string name)
    {
        var model = ReferenceModels.Get(name);
        var fit = model.Fit();
        Assert.Empty(fit.Warnings);
        Assert.True(fit.Converged);
        Assert.NotNull(fit.Gradient);
    }

    [Fact]
    public void StoppingTheOptimiserEarlyRaisesTheGradientWarning()
    {
        var model = ReferenceModels.Get("sleepstudy_reml");
        var options = new LinearMixedModelOptions { OptimizerSettings = new Multilevel.Numerics.Optimization.OptimizerOptions(InitialStep: 0.75, MaxEvaluations: 12) };
        var fit = LinearMixedModel.Fit(model.Formula, model.Data(), options);
        Assert.Contains(fit.Warnings, w => w.StartsWith("Model failed to converge with max|grad|", StringComparison.Ordinal));
        Assert.False(fit.Converged);
    }

    [Fact]
    public void SingularFitIsReportedAsSuch()
    {
        var fit = ReferenceModels.Get("dyestuff2_singular").Fit();
        Assert.True(fit.IsSingular);
        Assert.Equal(0.0, fit.Theta[0]);
        Assert.Contains(fit.Warnings, w => w.StartsWith("boundary (singular) fit", StringComparison.Ordinal));
        Assert.True(fit.Converged);
    }
}
