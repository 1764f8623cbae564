using Multilevel.Models;
using Multilevel.Numerics.Optimization;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// Everything computed after the optimum, at lme4's θ̂ (no optimiser involved): β̂, standard errors, σ̂,
/// variance components, conditional modes and variances against the references, at 1/100 of the fit tolerances.
/// </summary>
public class PostFitTests
{
    public static TheoryData<string> Models() => [.. ReferenceModels.All.Select(c => c.Name)];

    internal static LinearMixedModelFit AtReferenceTheta(ReferenceModels.Case model, out System.Text.Json.JsonElement reference, string? file = null)
    {
        reference = Fixtures.Reference(file ?? model.ReferenceFile);
        var design = model.Design();
        var options = new LinearMixedModelOptions { Criterion = model.Criterion, SkipConvergenceCheck = true };
        var dev = LinearMixedModel.CreateDeviance(design, options);
        var theta = reference.GetProperty("theta").Doubles();
        double d = dev.Evaluate(theta);
        var opt = new OptSummary("lme4's θ̂", theta, theta, d, d, 1, OptimizerReturnCode.Converged, "reference");
        return LinearMixedModel.CreateFit(design, dev, opt, options);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EstimatesAtLme4ThetaMatchReference(string name)
    {
        var fit = AtReferenceTheta(ReferenceModels.Get(name), out var reference);
        ReferenceAssert.Matches(fit, reference, null, scale: 0.01);
    }

    [Theory]
    [InlineData("sleepstudy_condvar", "sleepstudy_reml")]
    [InlineData("penicillin_condvar", "penicillin_crossed")]
    [InlineData("pastes_condvar", "pastes_nested")]
    public void ConditionalVariancesMatchLme4PostVar(string file, string model)
    {
        var fit = AtReferenceTheta(ReferenceModels.Get(model), out var json, $"../reference-extra/lmm/{file}.json");
        var reference = json.GetProperty("condvar_first");
        foreach (var group in reference.EnumerateObject())
        {
            var term = fit.ConditionalModes.Single(t => t.Group == group.Name);
            int g = 0;
            foreach (var level in group.Value.EnumerateArray())
            {
                var expected = level.Doubles();
                var actual = term.ConditionalVariances.Slice(g * term.Q * term.Q, term.Q * term.Q).ToArray();
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-12,
                        $"{model} {group.Name} level {g} [{i}]: {actual[i]:R} vs {expected[i]:R}");
                }
                g++;
            }
        }
    }
}
