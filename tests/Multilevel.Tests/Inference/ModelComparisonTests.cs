using System.Text.Json;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>Model comparison against lme4's anova (hsb_lrt.json and fixtures/reference-extra/inference).</summary>
public class ModelComparisonTests
{
    private static ModelDesign HsbSes() => Models.Hsb("mathach ~ ses + (1|schoolid)");

    private static ModelDesign HsbInteraction() => Models.Hsb("mathach ~ ses * sector + (1|schoolid)");

    private static ModelDesign HsbOls() => Models.Ols("hsb.csv", "mathach ~ ses");

    private static ModelDesign SleepIntercept() =>
        Models.Sleep("Reaction ~ Days + (1|Subject)");

    private static JsonElement Extra(string name) => Fixtures.Reference($"../reference-extra/inference/{name}.json");

    private static void AssertTable(ModelComparisonResult result, JsonElement reference)
    {
        var ll = reference.GetProperty("logLik").Doubles();
        var dev = reference.GetProperty("deviance").Doubles();
        Assert.Equal(ll.Length, result.Models.Count);
        for (int i = 0; i < ll.Length; i++)
        {
            // objective 1e-6 relative (the README's tolerance; lme4's optimiser stops ~1e-7 short)
            InferenceReferences.Close(ll[i], result.Models[i].LogLikelihood, 1e-6, $"logLik[{i}]");
            InferenceReferences.Close(dev[i], result.Models[i].Deviance, 1e-6, $"deviance[{i}]");
            if (reference.TryGetProperty("AIC", out var aic))
            {
                InferenceReferences.Close(aic.Doubles()[i], result.Models[i].Aic, 1e-6, $"AIC[{i}]");
                InferenceReferences.Close(reference.GetProperty("BIC").Doubles()[i], result.Models[i].Bic, 1e-6, $"BIC[{i}]");
            }
        }
        if (reference.TryGetProperty("npar", out var npar)) Assert.Equal(npar.Doubles().Select(x => (int)x), result.Models.Select(m => m.DegreesOfFreedom));
        var chisq = reference.GetProperty("chisq").Doubles();
        var df = reference.GetProperty("df").Doubles();
        var p = reference.GetProperty("p").Doubles();
        Assert.Equal(chisq.Length, result.Tests.Count);
        for (int i = 0; i < chisq.Length; i++)
        {
            // χ² is a difference of deviances: its error is the deviances' (1e-6 × 4.7e4 ≈ 0.05 at worst); in practice ≪
            Assert.True(Math.Abs(chisq[i] - result.Tests[i].ChiSquare) < 2e-4 * Math.Max(1, chisq[i]), $"chisq[{i}]: {chisq[i]} vs {result.Tests[i].ChiSquare}");
            Assert.Equal((int)df[i], result.Tests[i].DegreesOfFreedom);
            double lp = Math.Log(p[i]), ap = Math.Log(result.Tests[i].P);
            Assert.True(Math.Abs(lp - ap) < 1e-3 * Math.Max(1, Math.Abs(lp)), $"p[{i}]: {p[i]} vs {result.Tests[i].P}");
        }
    }

    [Fact]
    public void HsbLikelihoodRatioTestMatchesLme4()
    {
        var reference = Fixtures.Reference("hsb_lrt.json");
        var result = ModelComparison.Compare([HsbSes(), HsbInteraction()]);
        Assert.True(result.RefitMl);
        Assert.True(reference.GetProperty("refit_ml").GetBoolean());
        Assert.All(result.Models, m => Assert.Equal("ML", m.Method));
        Assert.Contains(result.Notes, n => n.Contains("refitted", StringComparison.Ordinal));
        var ll = reference.GetProperty("logLik").Doubles();
        for (int i = 0; i < 2; i++)
        {
            InferenceReferences.Close(ll[i], result.Models[i].LogLikelihood, 1e-6, "logLik");
            InferenceReferences.Close(reference.GetProperty("AIC").Doubles()[i], result.Models[i].Aic, 1e-6, "AIC");
            InferenceReferences.Close(reference.GetProperty("BIC").Doubles()[i], result.Models[i].Bic, 1e-6, "BIC");
            InferenceReferences.Close(reference.GetProperty("deviance").Doubles()[i], result.Models[i].Deviance, 1e-6, "deviance");
        }
        var test = Assert.Single(result.Tests);
        InferenceReferences.Close(reference.GetProperty("chisq").GetDouble(), test.ChiSquare, 1e-5, "chisq");
        Assert.Equal(reference.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
        InferenceReferences.Close(reference.GetProperty("p").GetDouble(), test.P, 1e-3, "p");
        Assert.Null(test.BoundaryP);   // fixed effects differ: no boundary question
    }

    [Fact]
    public void TheTutorialsSequenceMatchesLme4()
    {
        var designs = new[]
        {
            Models.Hsb("mathach ~ 1 + (1|schoolid)"),
            HsbSes(),
            Models.Hsb("mathach ~ ses + sector + (1|schoolid)"),
            HsbInteraction(),
        };
        // given out of order: the table orders by parameters, as lme4
        var result = ModelComparison.Compare([designs[2], designs[0], designs[3], designs[1]]);
        Assert.Equal(designs.Select(d => d.FormulaText), result.Models.Select(m => m.Formula));
        AssertTable(result, Extra("hsb_anova_sequence"));
    }

    [Fact]
    public void RandomInterceptAgainstOlsHasTheBoundaryCorrection()
    {
        var reference = Extra("hsb_lrt_random_intercept");
        var result = ModelComparison.Compare([HsbSes(), HsbOls()]);
        Assert.Equal(["OLS", "ML"], result.Models.Select(m => m.Method));
        AssertTable(result, reference);
        var test = Assert.Single(result.Tests);
        Assert.NotNull(test.BoundaryP);
        Assert.Equal(test.P / 2, test.BoundaryP!.Value, 1e-120);
        double lp = Math.Log(reference.GetProperty("boundary_p").GetDouble());
        Assert.True(Math.Abs(lp - Math.Log(test.BoundaryP.Value)) < 1e-3 * Math.Abs(lp));
        Assert.Contains("½χ²(0) + ½χ²(1)", test.BoundaryNote, StringComparison.Ordinal);
    }

    [Fact]
    public void SameFixedEffectsCompareRemlCriteria()
    {
        var reference = Extra("sleepstudy_anova_reml");
        var result = ModelComparison.Compare([SleepIntercept(), Models.Sleep("Reaction ~ Days + (Days||Subject)"), Models.Sleep()]);
        Assert.False(result.RefitMl);
        Assert.All(result.Models, m => Assert.Equal("REML", m.Method));
        AssertTable(result, reference);
        var boundary = reference.GetProperty("boundary_p");
        Assert.Equal(boundary[0].GetDouble(), result.Tests[0].BoundaryP!.Value, 1e-13);
        Assert.Equal(JsonValueKind.Null, boundary[1].ValueKind);
        Assert.Null(result.Tests[1].BoundaryP);     // only a correlation is added: an interior parameter
    }

    [Fact]
    public void AddingACorrelatedSlopeUsesTheChiBarSquareMixture()
    {
        var reference = Extra("sleepstudy_lrt_slope");
        var result = ModelComparison.Compare([SleepIntercept(), Models.Sleep()]);
        var test = Assert.Single(result.Tests);
        Assert.Equal(2, test.DegreesOfFreedom);
        InferenceReferences.Close(reference.GetProperty("chisq").GetDouble(), test.ChiSquare, 1e-5, "chisq");
        InferenceReferences.Close(reference.GetProperty("boundary_p").GetDouble(), test.BoundaryP!.Value, 1e-3, "boundary p");
        Assert.Contains("½χ²(1) + ½χ²(2)", test.BoundaryNote, StringComparison.Ordinal);
    }

    [Fact]
    public void AlwaysRefitsWhenAsked()
    {
        var result = ModelComparison.Compare([SleepIntercept(), Models.Sleep()], refit: RefitPolicy.Always);
        Assert.True(result.RefitMl);
        Assert.All(result.Models, m => Assert.True(m.Refitted));
        var ml = Fixtures.Reference("sleepstudy_ml.json");
        InferenceReferences.Close(ml.GetProperty("logLik").GetDouble(), result.Models[1].LogLikelihood, 1e-6, "sleepstudy ML logLik");
    }

    [Fact]
    public void DifferentRowsAreRefused()
    {
        var ex = Assert.Throws<ModelSpecificationException>(() =>
            ModelComparison.Compare([HsbSes(), Models.Of("hsb_missing.csv", "mathach ~ ses + (1|schoolid)")]));
        Assert.Contains("different numbers of observations", ex.Message, StringComparison.Ordinal);
    }
}
