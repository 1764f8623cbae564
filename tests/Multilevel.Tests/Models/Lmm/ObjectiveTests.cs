using Multilevel.Models;
using Multilevel.Models.Internals;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// The profiled deviance / REML criterion at given θ against lme4's devfun (fixtures/reference/lmm/
/// lmm_devfun_points.json, written by make_lmm_references.R): 1e-10 relative, before any optimiser is involved.
/// </summary>
public class ObjectiveTests
{
    private const double Tolerance = 1e-10;

    public static TheoryData<string> Models() =>
        [.. ReferenceModels.All.Select(c => c.Name).Where(n => n != "hsb_missing_reml" && n != "hsb_null_reml" && n != "hsb_ses_sector_reml" && n != "hsb_interaction_reml")];

    [Theory]
    [MemberData(nameof(Models))]
    public void ObjectiveEqualsLme4DevfunAtGivenTheta(string name)
    {
        var model = ReferenceModels.Get(name);
        var design = model.Design();
        var dev = ProfiledDeviance.Create(DesignGram.Build(design), model.Criterion);
        var points = Fixtures.Reference("../reference-extra/lmm/lmm_devfun_points.json").GetProperty(name).GetProperty("points");
        foreach (var point in points.EnumerateArray())
        {
            var theta = point.GetProperty("theta").Doubles();
            double expected = point.GetProperty("objective").GetDouble();
            double actual = dev.Evaluate(theta);
            Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected),
                $"{name} at θ = [{string.Join(", ", theta)}]: {actual:R} vs lme4 {expected:R} (rel {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
        }
    }

    [Theory]
    [InlineData("hsb_null_reml")]
    [InlineData("hsb_ses_sector_reml")]
    [InlineData("hsb_interaction_reml")]
    [InlineData("hsb_missing_reml")]
    [InlineData("dyestuff_reml")]
    [InlineData("pastes_nested")]
    [InlineData("penicillin_crossed")]
    public void ObjectiveAtReferenceThetaEqualsReferenceCriterion(string name)
    {
        var model = ReferenceModels.Get(name);
        var reference = Fixtures.Reference(model.ReferenceFile);
        var dev = ProfiledDeviance.Create(DesignGram.Build(model.Design()), model.Criterion);
        double actual = dev.Evaluate(reference.GetProperty("theta").Doubles());
        double expected = reference.GetProperty("deviance").GetDouble();
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected), $"{name}: {actual:R} vs {expected:R}");
    }
}

/// <summary>The factor's block kinds follow the structure of the grouping factors.</summary>
public class FactorStructureTests
{
    [Fact]
    public void NestedFactorsKeepTheSecondDiagonalBlockDiagonal()
    {
        var dev = ProfiledDeviance.Create(DesignGram.Build(ReferenceModels.Get("pastes_nested").Design()), LmmCriterion.Reml);
        Assert.Contains("L[1,1]=Diagonal", dev.FactorStructure, StringComparison.Ordinal);
        Assert.Contains("L[1,0]=Sparse", dev.FactorStructure, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossedFactorsFillInTheSecondDiagonalBlock()
    {
        var dev = ProfiledDeviance.Create(DesignGram.Build(ReferenceModels.Get("penicillin_crossed").Design()), LmmCriterion.Reml);
        Assert.Contains("L[1,1]=Dense", dev.FactorStructure, StringComparison.Ordinal);
        // plates × samples are fully crossed: the first column's block is held dense as well (packed updates)
        Assert.Contains("L[1,0]=Dense", dev.FactorStructure, StringComparison.Ordinal);
    }

    [Fact]
    public void SparselyCrossedFactorsKeepTheFirstColumnSparse()
    {
        // 120 rows over 50 × 40 level pairs: at most 6 % of the pairs occur, too few for a dense block
        var rng = new Random(7);
        int n = 120;
        var a = Enumerable.Range(0, n).Select(i => i % 50).ToArray();
        var b = Enumerable.Range(0, n).Select(i => (i * 17 + i / 50) % 40).ToArray();
        var frame = new Multilevel.Data.Frame([
            new Multilevel.Data.NumericColumn("y", [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble())]),
            new Multilevel.Data.CategoricalColumn("a", a, [.. Enumerable.Range(0, 50).Select(i => $"a{i}")]),
            new Multilevel.Data.CategoricalColumn("b", b, [.. Enumerable.Range(0, 40).Select(i => $"b{i}")]),
        ]);
        var dev = ProfiledDeviance.Create(DesignGram.Build(LinearMixedModel.BuildDesign("y ~ 1 + (1|a) + (1|b)", frame)), LmmCriterion.Reml);
        Assert.Contains("L[1,0]=Sparse", dev.FactorStructure, StringComparison.Ordinal);
        Assert.Contains("L[1,1]=Dense", dev.FactorStructure, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorTermKeepsBlockDiagonalStorage()
    {
        var dev = ProfiledDeviance.Create(DesignGram.Build(ReferenceModels.Get("sleepstudy_reml").Design()), LmmCriterion.Reml);
        Assert.Contains("L[0,0]=BlockDiagonal", dev.FactorStructure, StringComparison.Ordinal);
    }
}
