using System.Text.Json;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Tests.Models.Lmm;

namespace Multilevel.Tests.Inference;

/// <summary>The models of fixtures/reference/*_inference.json (lmerTest, lme4 confint, performance), fitted once per test run.</summary>
internal static class InferenceReferences
{
    /// <param name="FitFile">The reference of the same fit (lme4's θ̂ there).</param>
    public sealed record Case(string Name, string File, string FitFile, Func<ModelDesign> Design);

    public static readonly Case[] All =
    [
        new("hsb_ses", "hsb_ses_inference.json", "hsb_ses_reml.json", () => Models.Hsb("mathach ~ ses + (1|schoolid)")),
        new("hsb_interaction", "hsb_interaction_inference.json", "hsb_interaction_reml.json", () => Models.Hsb("mathach ~ ses * sector + (1|schoolid)")),
        new("sleepstudy", "sleepstudy_inference.json", "sleepstudy_reml.json", () => Models.Sleep()),
    ];

    private static readonly Dictionary<string, LinearMixedModelFit> Fits = [];
    private static readonly Dictionary<string, LinearMixedModelFit> FitsAtLme4 = [];

    /// <summary>
    /// The REML fit at lme4's own θ̂ (which lme4's default stopping rule leaves about 1e-4 from the optimum): the
    /// quantities R computed from its fit, evaluated where R evaluated them.
    /// </summary>
    public static LinearMixedModelFit FitAtLme4Theta(string name)
    {
        lock (FitsAtLme4)
        {
            if (!FitsAtLme4.TryGetValue(name, out var fit))
            {
                var c = Get(name);
                var design = c.Design();
                var theta = Fixtures.Reference(c.FitFile).GetProperty("theta").Doubles();
                var deviance = LinearMixedModel.CreateDeviance(design);
                double d = deviance.Evaluate(theta);
                var at = new Multilevel.Numerics.Optimization.OptSummary("lme4", theta, theta, d, d, 1, Multilevel.Numerics.Optimization.OptimizerReturnCode.Converged, "θ from lme4");
                fit = LinearMixedModel.CreateFit(design, deviance, at, new LinearMixedModelOptions { SkipConvergenceCheck = true });
                FitsAtLme4[name] = fit;
            }
            return fit;
        }
    }

    public static Case Get(string name) => All.Single(c => c.Name == name);

    /// <summary>The REML fit of a case (cached: the fits are immutable).</summary>
    public static LinearMixedModelFit Fit(string name)
    {
        lock (Fits)
        {
            if (!Fits.TryGetValue(name, out var fit))
            {
                fit = LinearMixedModel.Fit(Get(name).Design());
                Fits[name] = fit;
            }
            return fit;
        }
    }

    public static JsonElement Reference(string name) => Fixtures.Reference(Get(name).File);

    /// <summary>Rows {parameter, lower, upper} of an interval array.</summary>
    public static (string Parameter, double Lower, double Upper)[] Intervals(JsonElement reference, string field) =>
        [.. reference.GetProperty(field).EnumerateArray().Select(e => (e.GetProperty("parameter").GetString()!, e.GetProperty("lower").GetDouble(), e.GetProperty("upper").GetDouble()))];

    public static void Close(double expected, double actual, double relative, string what)
    {
        double err = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
        Xunit.Assert.True(err <= relative, $"{what}: expected {expected:R}, got {actual:R} (relative error {err:G3} > {relative:G3})");
    }
}
