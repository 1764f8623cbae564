using Multilevel.Data;
using Multilevel.Data.Stata;
using Multilevel.Design;
using Multilevel.Sources;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>The chunked .dta reader gives, chunk after chunk, exactly the frame a whole read gives: the same columns,
/// types, levels and values, in every format and with labelled, string and strL variables.</summary>
public class StataChunksTests
{
    public static TheoryData<string> Files() => new() { "hsb.dta", "hsb_v15.dta", "hsb_v12.dta", "hsb_v7.dta", "penicillin_v12.dta", "cbpp.dta", "misc.dta" };

    [Theory]
    [MemberData(nameof(Files))]
    public void ChunksConcatenateToTheWholeRead(string file)
    {
        string path = FixtureData.DataPath(file);
        var whole = StataFile.Read(path);
        var chunks = StataChunks.Open(path);
        foreach (int size in new[] { 1, 7, 1000, 100_000 })
        {
            var parts = chunks.ReadChunks(size).ToList();
            Assert.Equal((whole.RowCount + size - 1) / size, parts.Count);
            AssertConcatenationEquals(whole, parts);
        }
    }

    [Fact]
    public void SchemaOverridesApplyAsInAWholeRead()
    {
        string path = FixtureData.DataPath("hsb.dta");
        var schema = new FrameSchema(["schoolid"], [new("sector", ["1", "0"])]);
        var whole = StataFile.Read(path, schema);
        var parts = StataChunks.Open(path, schema).ReadChunks(500).ToList();
        AssertConcatenationEquals(whole, parts);
        Assert.IsType<CategoricalColumn>(parts[0]["schoolid"]);
        Assert.Equal(["1", "0"], ((CategoricalColumn)parts[0]["sector"]).Levels);
    }

    [Fact]
    public void StreamedDtaFitHasTheSameSumsAsTheFileReadWhole()
    {
        const string formula = "mathach ~ ses * factor(sector) + (1 + ses|schoolid)";
        string path = FixtureData.DataPath("hsb.dta");
        var memory = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, StataFile.Read(path)));
        var streamed = StreamingGramSource.Open(path, chunkRows: 1234).Accumulate(formula);
        ScaleAssert.SameDesign(memory, streamed, 0);
    }

    private static void AssertConcatenationEquals(Frame whole, List<Frame> parts)
    {
        Assert.Equal(whole.RowCount, parts.Sum(p => p.RowCount));
        foreach (var column in whole.Columns)
        {
            int row = 0;
            foreach (var part in parts)
            {
                var c = part[column.Name];
                Assert.Equal(column.GetType(), c.GetType());
                if (column is CategoricalColumn wc) Assert.Equal(wc.Levels, ((CategoricalColumn)c).Levels);
                for (int i = 0; i < c.Length; i++, row++)
                {
                    if (column is NumericColumn wn) Assert.Equal(wn[row], ((NumericColumn)c)[i]);
                    else Assert.Equal(((CategoricalColumn)column)[row], ((CategoricalColumn)c)[i]);
                }
            }
        }
    }
}
