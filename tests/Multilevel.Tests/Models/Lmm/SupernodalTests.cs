using Multilevel.Models;
using Multilevel.Models.Internals;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// The supernodal trailing factor (used for crossed factors that fill in, such as InstEval) gives the same
/// objective and estimates as the dense blocks. Forced here on the small crossed references.
/// </summary>
public class SupernodalTests
{
    [Theory]
    [InlineData("penicillin_crossed")]
    [InlineData("sleepstudy_crossed_days")]
    public void ForcedSupernodalTailMatchesDenseBlocksAndLme4(string name)
    {
        var model = ReferenceModels.Get(name);
        var design = model.Design();
        var points = Fixtures.Reference("../reference-extra/lmm/lmm_devfun_points.json").GetProperty(name).GetProperty("points");
        var dense = ProfiledDeviance.Create(DesignGram.Build(design), model.Criterion);
        var sparse = ProfiledDeviance.Create(DesignGram.Build(design), model.Criterion, forceSupernodal: true);
        Assert.Contains("Supernodal", sparse.FactorStructure, StringComparison.Ordinal);
        Assert.DoesNotContain("Supernodal", dense.FactorStructure, StringComparison.Ordinal);
        foreach (var point in points.EnumerateArray())
        {
            var theta = point.GetProperty("theta").Doubles();
            double expected = point.GetProperty("objective").GetDouble();
            double a = sparse.Evaluate(theta), b = dense.Evaluate(theta);
            Assert.True(Math.Abs(a - expected) <= 1e-10 * Math.Abs(expected), $"supernodal {a:R} vs lme4 {expected:R}");
            Assert.True(Math.Abs(a - b) <= 1e-11 * Math.Abs(b), $"supernodal {a:R} vs dense {b:R}");
        }

        // estimates and conditional variances after the optimum agree too
        var reference = Fixtures.Reference(model.ReferenceFile);
        var theta0 = reference.GetProperty("theta").Doubles();
        var options = new LinearMixedModelOptions { Criterion = model.Criterion, SkipConvergenceCheck = true };
        double d0 = sparse.Evaluate(theta0);
        var opt = new Multilevel.Numerics.Optimization.OptSummary("ref", theta0, theta0, d0, d0, 1, Multilevel.Numerics.Optimization.OptimizerReturnCode.Converged, "");
        var fs = LinearMixedModel.CreateFit(design, sparse, opt, options);
        var fd = LinearMixedModel.CreateFit(design, dense, opt, options);
        for (int j = 0; j < fs.FixedEffects.Length; j++)
        {
            Assert.Equal(fd.FixedEffects[j], fs.FixedEffects[j], 1e-9);
            Assert.Equal(fd.StandardErrors[j], fs.StandardErrors[j], 1e-9);
        }
        for (int k = 0; k < fs.ConditionalModes.Count; k++)
        {
            var ms = fs.ConditionalModes[k];
            var md = fd.ConditionalModes[k];
            for (int x = 0; x < ms.Values.Length; x++) Assert.Equal(md.Values[x], ms.Values[x], 1e-9);
            for (int x = 0; x < ms.ConditionalVariances.Length; x++) Assert.Equal(md.ConditionalVariances[x], ms.ConditionalVariances[x], 1e-9);
        }
    }
}
