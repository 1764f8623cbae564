using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Sources;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>
/// Inference on a fit from sums — a streamed file here, as a database gives the same sums — equals that on the same
/// model fitted in memory (which is checked against performance, lmerTest and lme4 elsewhere), 1e-9 relative: the
/// variance decomposition (ICC, Nakagawa's R², each level's share), Satterthwaite's degrees of freedom, profile intervals.
/// </summary>
public class InferenceFromSumsTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData("hsb.csv", "mathach ~ ses + (1|schoolid)")]
    [InlineData("hsb.csv", "mathach ~ ses * sector + (1 + ses|schoolid)")]
    [InlineData("hsb.csv", "mathach ~ 0 + ses + (1|schoolid)")]          // no fixed intercept: Σx from the random intercept
    [InlineData("hsb.csv", "mathach ~ 1 + (1|schoolid)")]                // constant fixed part: var 0
    [InlineData("hsb.csv", "mathach ~ ses + (1 + ses + sector|schoolid)")] // a random slope that is not a fixed effect
    [InlineData("pastes.csv", "strength ~ 1 + (1|batch/cask)")]
    [InlineData("penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)")]
    [InlineData("sleepstudy.csv", "Reaction ~ Days + (Days|Subject)")]
    public void FromSumsEqualsFromRows(string file, string formula)
    {
        var rows = LinearMixedModel.Fit(formula, Multilevel.Data.Csv.CsvFile.Read(FixtureData.DataPath(file)));
        var sums = LinearMixedModel.Fit(StreamingGramSource.Open(FixtureData.DataPath(file), chunkRows: 1000).Accumulate(formula));
        Assert.False(sums.RowValuesAvailable);
        var expected = VarianceDecomposition.Compute(rows);
        var actual = VarianceDecomposition.Compute(sums);
        Close(expected.FixedEffectsVariance, actual.FixedEffectsVariance, "fixed-effects variance");
        Close(expected.RandomEffectsVariance, actual.RandomEffectsVariance, "random-effects variance");
        Close(expected.ResidualVariance, actual.ResidualVariance, "residual variance");
        Close(expected.R2Marginal, actual.R2Marginal, "R² marginal");
        Close(expected.R2Conditional, actual.R2Conditional, "R² conditional");
        Close(expected.IccAdjusted, actual.IccAdjusted, "ICC adjusted");
        Close(expected.IccConditional, actual.IccConditional, "ICC conditional");
        Close(expected.ResidualShare, actual.ResidualShare, "residual share");
        Assert.Equal(expected.Terms.Count, actual.Terms.Count);
        for (int k = 0; k < expected.Terms.Count; k++)
        {
            Assert.Equal(expected.Terms[k].Group, actual.Terms[k].Group);
            Close(expected.Terms[k].Variance, actual.Terms[k].Variance, $"variance of {expected.Terms[k].Group}");
            Close(expected.Terms[k].Share, actual.Terms[k].Share, $"share of {expected.Terms[k].Group}");
        }
        Assert.Equal(expected.Notes, actual.Notes);
    }

    [Theory]
    [InlineData("hsb.csv", "mathach ~ ses * sector + (1 + ses|schoolid)")]
    [InlineData("penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)")]
    public void SatterthwaiteAndProfilesFromSumsEqualFromRows(string file, string formula)
    {
        // both are functions of the Gram matrix alone, which the fit from sums keeps
        var rows = LinearMixedModel.Fit(formula, Multilevel.Data.Csv.CsvFile.Read(FixtureData.DataPath(file)));
        var sums = LinearMixedModel.Fit(StreamingGramSource.Open(FixtureData.DataPath(file), chunkRows: 1000).Accumulate(formula));
        var expected = Satterthwaite.Coefficients(rows);
        var actual = Satterthwaite.Coefficients(sums);
        for (int i = 0; i < expected.Count; i++)
        {
            Close(expected[i].DegreesOfFreedom, actual[i].DegreesOfFreedom, $"df of {expected[i].Term}");
            Close(expected[i].P, actual[i].P, $"p of {expected[i].Term}");
        }
        var profileRows = ProfileLikelihood.ConfidenceIntervals(rows).Intervals;
        var profileSums = ProfileLikelihood.ConfidenceIntervals(sums).Intervals;
        Assert.Equal(profileRows.Count, profileSums.Count);
        for (int i = 0; i < profileRows.Count; i++)
        {
            Assert.Equal(profileRows[i].Parameter, profileSums[i].Parameter);
            Close(profileRows[i].Lower, profileSums[i].Lower, $"lower bound of {profileRows[i].Parameter}");
            Close(profileRows[i].Upper, profileSums[i].Upper, $"upper bound of {profileRows[i].Parameter}");
        }
    }

    [Fact]
    public void WithoutAnInterceptOrWithWeightsTheSumsSayWhatIsMissing()
    {
        string hsb = FixtureData.DataPath("hsb.csv");
        var noIntercept = LinearMixedModel.Fit(StreamingGramSource.Open(hsb).Accumulate("mathach ~ 0 + ses + (0 + ses|schoolid)"));
        var e = Assert.Throws<RowValuesUnavailableException>(() => VarianceDecomposition.Compute(noIntercept));
        Assert.Contains("no intercept, fixed or random", e.Message, StringComparison.Ordinal);
        var weighted = LinearMixedModel.Fit(StreamingGramSource.Open(hsb).Accumulate("mathach ~ ses + (1|schoolid)", new DesignOptions { Weights = "female" }));
        e = Assert.Throws<RowValuesUnavailableException>(() => VarianceDecomposition.Compute(weighted));
        Assert.Contains("the sums are weighted", e.Message, StringComparison.Ordinal);
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Max(Math.Abs(expected), 1e-12),
            $"{what}: from sums {actual:R}, from rows {expected:R}");
}
