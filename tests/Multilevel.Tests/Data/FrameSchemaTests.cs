using Multilevel.Cli;
using Multilevel.Data;
using Multilevel.Data.Csv;
using Multilevel.Data.Stata;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;

namespace Multilevel.Tests.Data;

/// <summary>The schema rules of CONTRACT.md, "Data arguments".</summary>
public class FrameSchemaTests
{
    private static Frame Csv(string text, FrameSchema? schema = null) =>
        CsvFile.Read(() => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "test.csv", schema);

    [Fact]
    public void Factor_makes_a_numeric_column_categorical_with_levels_in_numeric_order()
    {
        var hsb = DataSource.Load("hsb", new FrameSchema(["sector", "schoolid"]));
        var sector = Categorical(hsb, "sector");
        Assert.Equal(["0", "1"], sector.Levels);
        var schoolid = Categorical(hsb, "schoolid");
        Assert.Equal(160, schoolid.Levels.Count);
        Assert.Equal("1224", schoolid.Levels[0]);
        Assert.Equal("9586", schoolid.Levels[^1]);
    }

    [Fact]
    public void Factor_on_a_dta_column_equals_factor_on_the_csv_column()
    {
        var schema = new FrameSchema(["schoolid", "sector"]);
        var csv = DataSource.Load(DataFile("hsb.csv"), schema);
        var dta = DataSource.Load(DataFile("hsb_v12.dta"), schema);
        ReaderEquivalenceTests.AssertSameColumn(csv["schoolid"], dta["schoolid"], 0);
        ReaderEquivalenceTests.AssertSameColumn(csv["sector"], dta["sector"], 0);
    }

    [Fact]
    public void Levels_give_the_order_and_the_reference_level()
    {
        var hsb = DataSource.Load("hsb", new FrameSchema(null, [new("sector", ["1", "0"])]));
        var sector = Categorical(hsb, "sector");
        Assert.Equal(["1", "0"], sector.Levels);
        Assert.Equal(3642, sector.Codes.ToArray().Count(c => c == 1)); // 3642 public-school students (tutorial's cross-tab: 1315+415+1406+506)
    }

    [Fact]
    public void Levels_override_a_builtin_schema()
    {
        var levels = new[] { "F", "E", "D", "C", "B", "A" };
        var penicillin = DataSource.Load("penicillin", new FrameSchema(null, [new("sample", levels)]));
        Assert.Equal(levels, Categorical(penicillin, "sample").Levels);
        Assert.Equal(24, Categorical(penicillin, "plate").Levels.Count);
    }

    [Fact]
    public void Levels_of_a_labelled_dta_column_are_matched_against_the_labels()
    {
        var levels = new[] { "F", "E", "D", "C", "B", "A" };
        var dta = DataSource.Load(DataFile("penicillin_v12.dta"), new FrameSchema(null, [new("sample", levels)]));
        var builtin = DataSource.Load("penicillin", new FrameSchema(null, [new("sample", levels)]));
        ReaderEquivalenceTests.AssertSameColumn(builtin["sample"], dta["sample"], 0);
    }

    [Fact]
    public void A_listed_level_with_no_rows_is_kept()
    {
        var f = Csv("g,y\nb,1\na,2\n", new FrameSchema(null, [new("g", ["a", "b", "c"])]));
        var g = Categorical(f, "g");
        Assert.Equal(["a", "b", "c"], g.Levels);
        Assert.Equal([1, 0], g.Codes.ToArray());
    }

    [Fact]
    public void Levels_match_numbers_written_differently()
    {
        var f = Csv("g\n1.0\n2\n1\n", new FrameSchema(null, [new("g", ["2", "1"])]));
        Assert.Equal([1, 0, 1], Categorical(f, "g").Codes.ToArray());
    }

    [Fact]
    public void A_value_outside_the_levels_is_an_error_naming_the_value_row_line_and_column()
    {
        var e = Assert.Throws<LevelsMismatchException>(() =>
            Csv("g,y\na,1\nb,2\nc,3\n", new FrameSchema(null, [new("g", ["a", "b"])])));
        Assert.Equal("c", e.Value);
        Assert.Equal(3, e.Row);
        Assert.Equal(4, e.Line);
        Assert.Equal("g", e.ColumnName);
        Assert.Contains("test.csv:4, column 'g': value 'c' in row 3", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IUsageError>(e);
    }

    [Fact]
    public void A_value_outside_the_levels_of_a_dta_column_names_the_value_and_row()
    {
        var e = Assert.Throws<LevelsMismatchException>(() =>
            DataSource.Load(DataFile("hsb.dta"), new FrameSchema(null, [new("sector", ["0"])])));
        Assert.Equal("1", e.Value);
        Assert.Equal("sector", e.ColumnName);
        var sector = Numeric(StataFile.Read(DataFile("hsb.dta")), "sector");
        Assert.Equal(sector.Values.IndexOf(1.0) + 1, e.Row);
    }

    [Fact]
    public void A_schema_naming_an_unknown_column_is_an_error_listing_the_columns()
    {
        var e = Assert.Throws<UnknownColumnException>(() => DataSource.Load("dyestuff", new FrameSchema(["batch"])));
        Assert.Equal(["Batch", "Yield"], e.Available);
    }

    [Fact]
    public void Levels_options_are_parsed_and_checked()
    {
        var schema = DataOptions.ParseSchema(["schoolid"], ["sector=1,0", "g=a"]);
        Assert.Equal(["schoolid"], schema.Factors);
        Assert.Equal(["1", "0"], schema.LevelsOf("sector"));
        Assert.Equal(["a"], schema.LevelsOf("g"));
        Assert.Throws<UsageException>(() => DataOptions.ParseSchema([], ["sector"]));
        Assert.Throws<UsageException>(() => DataOptions.ParseSchema([], ["=a,b"]));
        Assert.Throws<UsageException>(() => DataOptions.ParseSchema([], ["g=a,,b"]));
        Assert.Throws<UsageException>(() => DataOptions.ParseSchema([], ["g=a,b,a"]));
        Assert.Throws<UsageException>(() => DataOptions.ParseSchema([], ["g=a", "g=b"]));
    }

    [Fact]
    public void Unknown_file_types_are_an_error_listing_what_is_accepted()
    {
        using var temp = Temp(".xlsx", "a,b\n1,2\n");
        var e = Assert.Throws<DataSourceException>(() => DataSource.Load(temp.Path));
        Assert.Contains("'.xlsx' files cannot be read", e.Message, StringComparison.Ordinal);
        Assert.Contains(".csv or .dta", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Level_order_is_numeric_when_every_level_is_a_number_else_byte_order()
    {
        Assert.Equal(["-1", "2", "10", "1e3"], LevelOrder.Sort(["10", "2", "1e3", "-1", "2"]));
        Assert.Equal(["10", "2", "Z", "a", "z", "é", "😀"], LevelOrder.Sort(["z", "a", "2", "10", "😀", "é", "Z"]));
        // UTF-16 ordinal order would put U+FF21 (Ａ) after the surrogate pair of 😀; byte order puts it before.
        Assert.Equal(["Ａ", "😀"], LevelOrder.Sort(["😀", "Ａ"]));
    }
}
