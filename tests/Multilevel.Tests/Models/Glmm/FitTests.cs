using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// Full fits against lme4: strictly against lme4 run to the optimum of the exact Laplace / quadrature likelihood
/// (<c>reference-extra/glmm/*_tight.json</c>), and against the shared references made with lme4's defaults allowing
/// for lme4's own stopping error (see <see cref="GlmmReferenceAssert"/>).
/// </summary>
public class FitTests(ITestOutputHelper output)
{
    private sealed record Case(Func<ModelDesign> Design, GlmFamily Family, GlmLink Link, int Nagq, string? Default);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["cbpp_laplace"] = new(GlmmDesigns.Cbpp, GlmFamily.Binomial, GlmLink.Logit, 1, "cbpp_laplace.json"),
        ["cbpp_agq9"] = new(GlmmDesigns.Cbpp, GlmFamily.Binomial, GlmLink.Logit, 9, "cbpp_agq9.json"),
        ["grouseticks_poisson"] = new(GlmmDesigns.Grouseticks, GlmFamily.Poisson, GlmLink.Log, 1, "grouseticks_poisson.json"),
        ["cbpp_nagq0"] = new(GlmmDesigns.Cbpp, GlmFamily.Binomial, GlmLink.Logit, 0, "../reference-extra/cbpp_nagq0.json"),
        ["cbpp_probit_laplace"] = new(GlmmDesigns.Cbpp, GlmFamily.Binomial, GlmLink.Probit, 1, "../reference-extra/cbpp_probit_laplace.json"),
        ["voters_slopes_laplace"] = new(GlmmDesigns.Voters, GlmFamily.Binomial, GlmLink.Logit, 1, "../reference-extra/voters_slopes_laplace.json"),
        ["cbpp_cloglog_laplace"] = new(GlmmDesigns.Cbpp, GlmFamily.Binomial, GlmLink.CLogLog, 1, null),
        ["cbpp_weighted_laplace"] = new(GlmmDesigns.CbppWeighted, GlmFamily.Binomial, GlmLink.Logit, 1, null),
        ["grouseticks_offset_laplace"] = new(GlmmDesigns.GrouseticksOffset, GlmFamily.Poisson, GlmLink.Log, 1, null),
        ["grouseticks_brood_agq9"] = new(GlmmDesigns.GrouseticksBrood, GlmFamily.Poisson, GlmLink.Log, 9, null),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void FitMatchesLme4(string name)
    {
        var c = Cases[name];
        var fit = GeneralizedLinearMixedModel.Fit(c.Design(), c.Family, new GeneralizedLinearMixedModelOptions { Link = c.Link, Nagq = c.Nagq });
        output.WriteLine($"{name}: −2 logLik {fit.Deviance:R}, θ ({string.Join(", ", fit.Theta)}), {fit.Evaluations} evaluations, {fit.PirlsIterations} PIRLS iterations");
        Assert.True(fit.Converged, string.Join("; ", fit.Warnings));
        Assert.True(fit.VcovFromHessian || c.Nagq == 0);
        var tight = GlmmReference.Load($"../reference-extra/glmm/{name}_tight.json");
        GlmmReferenceAssert.MatchesTight(fit, tight);
        if (c.Default is { } file) GlmmReferenceAssert.MatchesDefault(fit, GlmmReference.Load(file), tight);
    }

    /// <summary>
    /// Fits with nAGQ = 1, 2, 3, 5, 9, 15, 25 against lme4's estimates for each (cbpp_agq_sequence.json, lme4's
    /// defaults): fixed effects 1e-4 relative, θ 1e-3 (the README's GLMM tolerances) — for nAGQ = 1 plus lme4's own
    /// stopping error |default − tight| (its PIRLS tolerance moves its Laplace estimates by 1.4e-4, see
    /// <see cref="GlmmReferenceAssert"/>); and our −2 log-likelihood
    /// against the exact integral at lme4's estimates, 1e-5 relative from 5 nodes on (with fewer nodes the
    /// approximation itself is further from the integral: 4.6e-4, 5.6e-4, 3.7e-4 for 1, 2, 3 nodes).
    /// </summary>
    [Fact]
    public void QuadratureSequenceMatchesLme4()
    {
        var reference = GlmmReference.Extra("cbpp_agq_sequence.json");
        var design = GlmmDesigns.Cbpp();
        var tightLaplace = GlmmReference.Load("../reference-extra/glmm/cbpp_laplace_tight.json");
        var tightBeta = GlmmReference.FixedEffects(tightLaplace);
        foreach (var r in reference.GetProperty("fits").EnumerateArray())
        {
            int k = r.GetProperty("nAGQ").GetInt32();
            var fit = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { Nagq = k });
            var beta = r.GetProperty("fixef").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double theta = r.GetProperty("theta").GetDouble();
            double exact = r.GetProperty("exact_neg2loglik").GetDouble();
            output.WriteLine($"nAGQ {k}: −2 logLik {fit.Deviance:R} (exact at lme4's estimates {exact:R}), θ {fit.Theta[0]:R} vs {theta:R}");
            Assert.Equal(k == 1 ? "Laplace" : $"AGQ{k}", fit.Method);
            Assert.True(Math.Abs(fit.Theta[0] - theta) <= 1e-3, $"nAGQ {k}: θ");
            for (int j = 0; j < beta.Length; j++)
            {
                double allowed = 1e-4 * Math.Abs(beta[j]) + (k == 1 ? Math.Abs(beta[j] - tightBeta[j]) : 0);
                Assert.True(Math.Abs(fit.FixedEffects[j] - beta[j]) <= allowed, $"nAGQ {k}: β[{j}] {fit.FixedEffects[j]:R} vs {beta[j]:R}");
            }
            if (k >= 5) Assert.True(Math.Abs(fit.Deviance - exact) <= 1e-5 * exact, $"nAGQ {k}: {fit.Deviance:R} vs {exact:R}");
        }
    }
}
