using System.Text.Json;
using Multilevel.Tests.Models.Lmm;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>Reads the GLMM references (fixtures/reference and fixtures/reference-extra).</summary>
internal static class GlmmReference
{
    public static JsonElement Load(string file) => Fixtures.Reference(file);

    public static JsonElement Extra(string file) => Fixtures.Reference($"../reference-extra/{file}");

    public static double[] FixedEffects(JsonElement reference) =>
        [.. reference.GetProperty("fixef").EnumerateObject().Select(p => p.Value.GetProperty("estimate").GetDouble())];

    public static double[] StandardErrors(JsonElement reference) =>
        [.. reference.GetProperty("fixef").EnumerateObject().Select(p => p.Value.GetProperty("se").GetDouble())];

    public static string[] FixedEffectNames(JsonElement reference) =>
        [.. reference.GetProperty("fixef").EnumerateObject().Select(p => p.Name)];

    public static double[] Theta(JsonElement reference) => reference.GetProperty("theta").Doubles();
}
