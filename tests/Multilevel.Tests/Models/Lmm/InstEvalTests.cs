using Multilevel.Models;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// InstEval (73,421 ratings; students × lecturers crossed, departments): the crossed structure that fills in and
/// is factored by the supernodal tail. One fit, compared with lme4 run to its optimum at the README's tolerances
/// and with the shared reference allowing lme4's own stopping error; no convergence warning.
/// </summary>
public class InstEvalTests
{
    private static readonly ReferenceModels.Case Model = new("insteval_crossed", "insteval_crossed.json", LmmCriterion.Reml,
        "y ~ 1 + service + (1|s) + (1|d) + (1|dept)", () => FixtureData.Load("insteval.csv"));

    [Fact]
    public void FitMatchesLme4()
    {
        var fit = Model.Fit();
        Assert.Contains("Supernodal", LinearMixedModel.CreateDeviance(fit.Design).FactorStructure, StringComparison.Ordinal);
        var tight = Fixtures.Reference("../reference-extra/lmm/insteval_crossed_tight.json");
        ReferenceAssert.Matches(fit, tight);
        ReferenceAssert.Matches(fit, Fixtures.Reference(Model.ReferenceFile), tight);
        Assert.Empty(fit.Warnings);
    }
}
