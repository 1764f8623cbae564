using Multilevel.Data;
using Multilevel.Data.Csv;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;

namespace Multilevel.Tests.Data;

public class CsvReaderTests
{
    private static Frame Read(string text, FrameSchema? schema = null) =>
        CsvFile.Read(() => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "test.csv", schema);

    private static DataFormatException Fails(string text) => Assert.ThrowsAny<DataFormatException>(() => Read(text));

    [Fact]
    public void Numeric_columns_are_inferred_and_NA_or_empty_is_missing()
    {
        var f = Read("a,b,c\n1,x,2.5\nNA,y,\n-3e2,NA,\" 4 \"\n");
        Assert.Equal([1, double.NaN, -300], Numeric(f, "a").Values.ToArray());
        Assert.Equal([2.5, double.NaN, 4], Numeric(f, "c").Values.ToArray());
        var b = Categorical(f, "b");
        Assert.Equal(["x", "y"], b.Levels);
        Assert.Equal([0, 1, -1], b.Codes.ToArray());
    }

    [Fact]
    public void Quoted_fields_keep_commas_line_breaks_and_doubled_quotes()
    {
        var f = Read("id,text\n1,\"a,b\"\n2,\"two\nlines\"\n3,\"say \"\"hi\"\"\"\n4,5'10\"\n");
        Assert.Equal(["a,b", "two\nlines", "say \"hi\"", "5'10\""], Texts(f["text"]));
    }

    [Fact]
    public void Inferred_levels_sort_numerically_when_all_are_numbers_else_by_bytes()
    {
        var f = Read("n,t\n10,b\n9,B\n10,é\n1.5,z\n", new FrameSchema(["n"]));
        Assert.Equal(["1.5", "9", "10"], Categorical(f, "n").Levels);
        // UTF-8 byte order: upper case before lower case, é (U+00E9) after z.
        Assert.Equal(["B", "b", "z", "é"], Categorical(f, "t").Levels);
    }

    [Fact]
    public void A_column_that_turns_out_to_hold_text_keeps_the_text_of_its_earlier_numbers()
    {
        // The reader meets "1.0" and "2" as numbers before "x": the levels are the file's text, not 1 and 2.
        var f = Read("v\n1.0\n2\nx\n1.0\n");
        var v = Categorical(f, "v");
        Assert.Equal(["1.0", "2", "x"], v.Levels);
        Assert.Equal([0, 1, 2, 0], v.Codes.ToArray());
    }

    [Fact]
    public void A_header_only_file_gives_an_empty_frame()
    {
        var f = Read("a,b\n");
        Assert.Equal(0, f.RowCount);
        Assert.Equal(["a", "b"], f.ColumnNames);
    }

    [Fact]
    public void Hsb_missing_csv_counts_its_NA_values()
    {
        // Reference README: hsb_missing.csv is hsb with 250 rows holding an NA (ses, mathach, sector); nobs 6935.
        var f = CsvFile.Read(DataFile("hsb_missing.csv"));
        int rowsWithNa = Enumerable.Range(0, f.RowCount).Count(i => f.Columns.Any(c => c.IsMissing(i)));
        Assert.Equal(250, rowsWithNa);
        Assert.Equal(7185, f.RowCount);
    }

    [Fact]
    public void Chunks_hold_the_same_rows_and_levels_as_one_read()
    {
        var whole = Datasets.Load("sleepstudy");
        var schema = Datasets.Find("sleepstudy")!.Schema;
        var chunks = CsvFile.ReadChunks(() => Datasets.Open("sleepstudy"), "sleepstudy", 50, schema).ToList();
        Assert.Equal([50, 50, 50, 30], chunks.Select(c => c.RowCount));
        int row = 0;
        foreach (var chunk in chunks)
        {
            var rows = Enumerable.Range(row, chunk.RowCount).ToArray();
            ReaderEquivalenceTests.AssertSameFrame(whole.Take(rows), chunk, 0);
            row += chunk.RowCount;
        }
    }

    [Fact]
    public void Chunked_reading_infers_types_and_levels_from_the_whole_file_first()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("g,x\n2,1\n10,2\nb,3\n");
        var chunks = CsvFile.ReadChunks(() => new MemoryStream(bytes), "test.csv", 1).ToList();
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(["10", "2", "b"], Categorical(c, "g").Levels));
        Assert.All(chunks, c => Assert.IsType<NumericColumn>(c["x"]));
    }

    [Fact]
    public void A_ragged_row_is_an_error_naming_file_line_and_column()
    {
        var e = Fails("a,b,c\n1,2,3\n4,5\n6,7,8\n");
        Assert.Equal("test.csv", e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("test.csv:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 fields but the header has 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'c'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_too_many_fields_is_an_error()
    {
        var e = Fails("a,b\n1,2\n3,4,5\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("more fields than columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_quote_is_an_error_at_the_line_where_it_opens()
    {
        var e = Fails("a,b\n1,2\n3,\"abc\n4,5\n6,7\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("never closed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error()
    {
        var e = Fails("a,b\n1,\"ab\"c\n");
        Assert.Equal(2, e.Line);
        Assert.Contains("closing quote", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_an_error()
    {
        var e = Fails("");
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,,c\n1,2,3\n", "field 2 is empty")]
    [InlineData("\"\",a\n1,2\n", "field 1 is empty")]
    [InlineData("a,b,a\n1,2,3\n", "two columns 'a' (fields 1 and 3)")]
    public void A_bad_header_is_an_error_on_line_1(string text, string message)
    {
        var e = Fails(text);
        Assert.Equal(1, e.Line);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read("/nonexistent/x.csv"));
        Assert.Equal("/nonexistent/x.csv", e.File);
    }
}
