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

    /// <summary>Memory of a streamed fit is bounded by the chunk size: a file ten times as long is read in ten times as
    /// many chunks, none larger than asked (two passes of chunks: rows used and levels, then the sums).</summary>
    [Fact]
    public void ChunksAreBoundedWhateverTheNumberOfRows()
    {
        const string formula = "mathach ~ ses + (1|schoolid)";
        string file = FixtureData.DataPath("hsb.csv");
        string longer = Path.Combine(Path.GetTempPath(), $"mlm-hsb-x10-{Guid.NewGuid():N}.csv");
        try
        {
            var lines = File.ReadAllLines(file);
            using (var w = new StreamWriter(longer))
            {
                w.Write(lines[0] + "\n");
                for (int copy = 0; copy < 10; copy++)
                {
                    foreach (var line in lines.Skip(1)) w.Write(line + "\n");
                }
            }
            var small = StreamingGramSource.Open(file, chunkRows: 1000).Accumulate(formula);
            var large = StreamingGramSource.Open(longer, chunkRows: 1000).Accumulate(formula);
            Assert.Equal(7185, small.Info.Observations);
            Assert.Equal(71850, large.Info.Observations);
            Assert.Equal(2 * 8, small.Info.Statistics.Chunks);
            Assert.Equal(2 * 72, large.Info.Statistics.Chunks);
            Assert.Equal(1000, small.Info.Statistics.LargestChunkRows);
            Assert.Equal(1000, large.Info.Statistics.LargestChunkRows);
            Assert.Equal(3, large.Info.Statistics.Passes); // the schema scan, then the two passes of chunks
            var one = StreamingGramSource.Open(file, chunkRows: 7).Accumulate(formula).Info.Statistics;
            Assert.Equal(2 * 1027, one.Chunks);
            Assert.Equal(7, one.LargestChunkRows);
        }
        finally
        {
            File.Delete(longer);
        }
    }

    /// <summary>InstEval (73,421 rows; students, lecturers and departments crossed) streamed from its CSV text in chunks
    /// of 5,000 rows, with the built-in data set's level order (--levels), gives the in-memory design bit for bit and
    /// so the same fit.</summary>
    [Fact]
    public void StreamedInstEvalEqualsTheInMemoryFit()
    {
        const string formula = "y ~ 1 + service + (1|s) + (1|d) + (1|dept)";
        var builtin = Datasets.Load("insteval");
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, builtin));
        string path = Path.Combine(Path.GetTempPath(), $"mlm-insteval-{Guid.NewGuid():N}.csv");
        try
        {
            using (var input = Datasets.Open("insteval"))
            using (var output = File.Create(path))
            {
                input.CopyTo(output);
            }
            var schema = new FrameSchema(null, new[] { "s", "d", "dept", "service" }.Select(c =>
                new KeyValuePair<string, IReadOnlyList<string>>(c, ((CategoricalColumn)builtin[c]).Levels)));
            var streamed = StreamingGramSource.Open(path, schema, chunkRows: 5000).Accumulate(formula);
            Assert.Equal(2 * 15, streamed.Info.Statistics.Chunks);
            ScaleAssert.SameDesign(expected, streamed, 0);
            ScaleAssert.SameFit(expected, streamed, 1e-9);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
