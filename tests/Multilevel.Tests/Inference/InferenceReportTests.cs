using System.Text.Json;
using Multilevel.Cli.Commands.Inference;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>What <c>mlm fit --satterthwaite --ci … --icc --r2</c> adds: the JSON fields of fixtures/reference/*_inference.json, and the text.</summary>
public class InferenceReportTests
{
    public static TheoryData<string> Cases() => [.. InferenceReferences.All.Select(c => c.Name)];

    private static JsonElement Json(InferenceReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            report.WriteJson(w);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void JsonFieldsMatchTheReference(string name)
    {
        var fit = InferenceReferences.FitAtLme4Theta(name);
        var report = InferenceReport.Compute(fit, new InferenceRequest(true, true, true, false, true, true), null, default);
        var json = Json(report);
        var reference = InferenceReferences.Reference(name);
        foreach (var field in new[] { "r2_marginal", "r2_conditional", "icc_adjusted", "icc_conditional" })
        {
            InferenceReferences.Close(reference.GetProperty(field).GetDouble(), json.GetProperty(field).GetDouble(), 1e-6, field);
        }
        var expected = reference.GetProperty("satterthwaite").EnumerateArray().ToArray();
        var actual = json.GetProperty("satterthwaite").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.GetProperty("term").GetString(), a.GetProperty("term").GetString());
            foreach (var f in new[] { "df", "p", "t", "se" }) InferenceReferences.Close(e.GetProperty(f).GetDouble(), a.GetProperty(f).GetDouble(), 1e-4, f);
        }
        foreach (var field in new[] { "profile_ci_95", "wald_ci_95" })
        {
            var e = InferenceReferences.Intervals(reference, field);
            var a = InferenceReferences.Intervals(json, field);
            Assert.Equal(e.Select(x => x.Parameter), a.Select(x => x.Parameter));
            foreach (var (x, y) in e.Zip(a))
            {
                InferenceReferences.Close(x.Lower, y.Lower, 1e-3, $"{field} {x.Parameter}");
                InferenceReferences.Close(x.Upper, y.Upper, 1e-3, $"{field} {x.Parameter}");
            }
        }
    }

    [Fact]
    public void TextShowsTheDecompositionAndTheBootstrap()
    {
        var fit = InferenceReferences.Fit("hsb_ses");
        var report = InferenceReport.Compute(fit, new InferenceRequest(false, false, false, true, true, true, 0.9, 50, 3), null, default);
        var writer = new StringWriter();
        report.WriteText(writer);
        var text = writer.ToString();
        Assert.Contains("Variance decomposition (performance::icc)", text, StringComparison.Ordinal);
        Assert.Contains("ICC adjusted:    0.1141   90% profile interval [", text, StringComparison.Ordinal);
        Assert.Contains("ICC conditional: 0.1053   90% bootstrap interval [", text, StringComparison.Ordinal);
        Assert.Contains("Parametric bootstrap 90% percentile intervals (50 replicates, seed 3", text, StringComparison.Ordinal);
        Assert.Contains("R² (Nakagawa–Schielzeth, performance::r2_nakagawa): marginal 0.0766", text, StringComparison.Ordinal);
        var json = Json(report);
        Assert.Equal(50, json.GetProperty("bootstrap").GetProperty("replicates").GetInt32());
        Assert.True(json.TryGetProperty("boot_ci_90", out _));
        Assert.Equal("profile", json.GetProperty("icc_adjusted_ci_90").GetProperty("method").GetString());
    }

    [Fact]
    public void GlmmReportHasTheLatentScaleDecompositionAndWaldIntervals()
    {
        var fit = Multilevel.Models.Glmm.GeneralizedLinearMixedModel.Fit(Multilevel.Tests.Models.Glmm.GlmmDesigns.Cbpp(), Multilevel.Models.Glm.GlmFamily.Binomial);
        var report = InferenceReport.Compute(fit, new InferenceRequest(false, true, false, false, true, true), default);
        var writer = new StringWriter();
        report.WriteText(writer);
        var text = writer.ToString();
        Assert.Contains("latent (link) scale", text, StringComparison.Ordinal);
        Assert.Contains("on the link scale", text, StringComparison.Ordinal);
        var json = Json(report);
        var reference = Multilevel.Tests.Models.Lmm.Fixtures.Reference("../reference-extra/inference/cbpp_r2.json");
        InferenceReferences.Close(reference.GetProperty("icc_adjusted").GetDouble(), json.GetProperty("icc_adjusted").GetDouble(), 1e-3, "icc_adjusted");
        InferenceReferences.Close(reference.GetProperty("r2_conditional").GetDouble(), json.GetProperty("r2_conditional").GetDouble(), 1e-3, "r2_conditional");
        var wald = json.GetProperty("wald_ci_95").EnumerateArray().ToArray();
        Assert.Equal(fit.FixedEffects.Length, wald.Length);
        Assert.Equal(fit.FixedEffects[0] - 1.959963984540054 * fit.StandardErrors[0], wald[0].GetProperty("lower").GetDouble(), 1e-9);
    }
}
