using System.Text.Json;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Tests.Models.Lmm;

namespace Multilevel.Tests.Inference;

/// <summary>The models of fixtures/reference/*_inference.json (lmerTest, lme4 confint, performance), fitted once per test run.</summary>
internal static class InferenceReferences
{
    public sealed record Case(string Name, string File, Func<ModelDesign> Design);

    public static readonly Case[] All =
    [
        new("hsb_ses", "hsb_ses_inference.json", () => ReferenceModels.Hsb("hsb.csv", "mathach ~ ses + (1|schoolid)", ["ses"])),
        new("hsb_interaction", "hsb_interaction_inference.json", () => ReferenceModels.Hsb("hsb.csv", "mathach ~ ses * sector + (1|schoolid)", ["ses", "sector", "ses:sector"])),
        new("sleepstudy", "sleepstudy_inference.json", ReferenceModels.SleepStudy),
    ];

    private static readonly Dictionary<string, LinearMixedModelFit> Fits = [];

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
