using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Sources;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>
/// A file streamed in chunks gives the same design as the file read whole: the same names, levels, rows dropped and
/// messages, and the same Gram matrix to the last bit (the rows are summed in the same order), whatever the chunk size.
/// </summary>
public class StreamingTests
{
    public static TheoryData<string, string> Formulas() => new()
    {
        { "hsb.csv", "mathach ~ 1 + (1|schoolid)" },
        { "hsb.csv", "mathach ~ ses * sector + (1 + ses|schoolid)" },
        { "hsb.csv", "mathach ~ log(ses + 3) + I(ses^2) + factor(sector) + female:minority + (1|schoolid)" },
        { "hsb.csv", "mathach ~ C(factor(sector), sum) + ses + (ses||schoolid)" },
        { "hsb.csv", "mathach ~ 0 + factor(minority):ses + offset(meanses) + (1|schoolid) + (1|sector:female)" },
        { "hsb_missing.csv", "mathach ~ ses * sector + (1|schoolid)" },
        { "hsb_missing.csv", "sqrt(mathach) ~ log(ses + 1.5) + (1|schoolid)" },
        { "pastes.csv", "strength ~ 1 + (1|batch/cask)" },
        { "penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)" },
        { "sleepstudy.csv", "Reaction ~ Days + (Days|Subject)" },
        { "hsb.csv", "mathach ~ ses + sector + I(2 * sector) + (1|schoolid)" },
    };

    private static GramDesign InMemory(string file, string formula, FrameSchema? schema = null)
    {
        var frame = CsvFileRead(file, schema);
        return MemoryGramSource.FromDesign(DesignBuilder.Build(formula, frame));
    }

    private static Frame CsvFileRead(string file, FrameSchema? schema) => Multilevel.Data.Csv.CsvFile.Read(FixtureData.DataPath(file), schema);

    [Theory]
    [MemberData(nameof(Formulas))]
    public void StreamedCsvGivesTheSameGramMatrixBitForBit(string file, string formula)
    {
        var expected = InMemory(file, formula);
        foreach (int chunk in new[] { 1000, 65_536 })
        {
            var streamed = StreamingGramSource.Open(FixtureData.DataPath(file), chunkRows: chunk).Accumulate(formula);
            ScaleAssert.SameDesign(expected, streamed, 0);
            Assert.Equal(expected.Info.Messages, streamed.Info.Messages);
            Assert.Equal(expected.Info.FixedTermLabels, streamed.Info.FixedTermLabels);
            Assert.Equal(expected.Info.Assign, streamed.Info.Assign);
        }
    }

    [Fact]
    public void StreamedFitEqualsTheInMemoryFitAndSaysRowValuesAreUnavailable()
    {
        const string formula = "mathach ~ ses * sector + (1 + ses|schoolid)";
        var memory = LinearMixedModel.Fit(InMemory("hsb_missing.csv", formula));
        var streamed = LinearMixedModel.Fit(StreamingGramSource.Open(FixtureData.DataPath("hsb_missing.csv"), chunkRows: 999).Accumulate(formula));
        ScaleAssert.SameEstimates(memory, streamed, 0);
        Assert.True(memory.RowValuesAvailable);
        Assert.False(streamed.RowValuesAvailable);
        var e = Assert.Throws<RowValuesUnavailableException>(() => streamed.Residuals);
        Assert.Contains("hsb_missing.csv", e.Message, StringComparison.Ordinal);
        Assert.Equal(250, streamed.RowsDropped);
        Assert.Equal(memory.Messages, streamed.Messages);
        for (int k = 0; k < memory.ConditionalModes.Count; k++)
        {
            Assert.Equal(memory.ConditionalModes[k].Levels, streamed.ConditionalModes[k].Levels);
            Assert.Equal(memory.ConditionalModes[k].Values.ToArray(), streamed.ConditionalModes[k].Values.ToArray());
        }
    }
}
