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
}
