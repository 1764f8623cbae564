using System.Text.Json;
using Multilevel.Data;
using Multilevel.Data.Csv;
using Multilevel.Data.Stata;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;

namespace Multilevel.Tests.Data;

/// <summary>The same data read from CSV, from every .dta format and from the built-in data sets give the same frame.</summary>
public class ReaderEquivalenceTests
{
    /// <summary>hsb.csv holds 15 significant digits (R's write.csv), the .dta files R's full doubles: values agree to
    /// the CSV's rounding, half a unit in the 15th digit.</summary>
    private const double CsvDigits = 5e-15;

    public static TheoryData<string> HsbStataFiles => new() { "hsb.dta", "hsb_v15.dta", "hsb_v12.dta", "hsb_v7.dta" };

    [Theory]
    [MemberData(nameof(HsbStataFiles))]
    public void Hsb_dta_equals_hsb_csv_in_every_column_and_value(string file)
    {
        var csv = CsvFile.Read(DataFile("hsb.csv"));
        var dta = StataFile.Read(DataFile(file));
        AssertSameFrame(csv, dta, CsvDigits);
    }

    [Fact]
    public void Hsb_columns_are_all_numeric_with_7185_rows()
    {
        // Reference README: hsb has 7185 rows; datasets.json lists no factors for hsb, so schoolid and sector are numeric.
        var dta = StataFile.Read(DataFile("hsb.dta"));
        Assert.Equal(7185, dta.RowCount);
        Assert.Equal(["schoolid", "minority", "female", "ses", "mathach", "meanses", "sector", "cses"], dta.ColumnNames);
        Assert.All(dta.Columns, c => Assert.IsType<NumericColumn>(c));
        Assert.Equal(160, Numeric(dta, "schoolid").Values.ToArray().Distinct().Count());
    }

    [Fact]
    public void Builtin_hsb_equals_hsb_csv_exactly()
    {
        AssertSameFrame(CsvFile.Read(DataFile("hsb.csv")), Datasets.Load("hsb"), 0);
    }

    public static TheoryData<string> BuiltinWithCsvFixture => new()
    {
        "hsb", "sleepstudy", "dyestuff", "dyestuff2", "penicillin", "pastes", "cbpp", "grouseticks",
    };

    [Theory]
    [MemberData(nameof(BuiltinWithCsvFixture))]
    public void Builtin_data_set_equals_its_csv_read_with_the_schema_of_datasets_json(string name)
    {
        var schema = FixtureSchema($"{name}.csv");
        var expected = CsvFile.Read(DataFile($"{name}.csv"), schema);
        var builtin = Datasets.Load(name);
        AssertSameFrame(expected, builtin, 0);
        foreach (var (column, levels) in schema.Levels) Assert.Equal(levels, Categorical(builtin, column).Levels);
    }

    [Fact]
    public void Builtin_schemas_are_those_of_datasets_json()
    {
        foreach (var info in Datasets.All)
        {
            var fixture = FixtureSchema($"{info.Name}.csv");
            Assert.Equal(fixture.Levels.Keys, info.Schema.Levels.Keys);
            foreach (var (column, levels) in fixture.Levels) Assert.Equal(levels, info.Schema.Levels[column]);
        }
    }

    [Fact]
    public void Builtin_insteval_has_the_rows_and_crossed_factors_of_the_reference()
    {
        // Reference README: insteval, 73421 rows, students s (2972) x lecturers d (1128) x dept.
        var insteval = Datasets.Load("insteval");
        Assert.Equal(73421, insteval.RowCount);
        Assert.Equal(2972, Categorical(insteval, "s").Levels.Count);
        Assert.Equal(1128, Categorical(insteval, "d").Levels.Count);
        // datasets.json: dept's levels are in R's order, not sorted.
        Assert.Equal(["15", "5", "10", "12"], Categorical(insteval, "dept").Levels.Take(4));
        Assert.All(insteval.Columns, c => Assert.Equal(0, c.MissingCount));
        Assert.IsType<NumericColumn>(insteval["y"]);
    }

    [Fact]
    public void Builtin_row_counts_are_those_of_the_reference_readme()
    {
        var rows = new Dictionary<string, int>
        {
            ["hsb"] = 7185, ["sleepstudy"] = 180, ["dyestuff"] = 30, ["dyestuff2"] = 30, ["penicillin"] = 144,
            ["pastes"] = 60, ["cbpp"] = 56, ["grouseticks"] = 403, ["insteval"] = 73421,
        };
        Assert.Equal(rows.Keys.Order(), Datasets.Names.Order());
        foreach (var (name, n) in rows) Assert.Equal(n, Datasets.Load(name).RowCount);
    }

    [Fact]
    public void Cbpp_dta_value_labels_give_the_factors_of_the_builtin_cbpp()
    {
        var dta = StataFile.Read(DataFile("cbpp.dta"));
        var builtin = Datasets.Load("cbpp");
        foreach (var name in builtin.ColumnNames) AssertSameColumn(builtin[name], dta[name], 0);
        Assert.Equal([.. Enumerable.Range(1, 15).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Categorical(dta, "herd").Levels);
        Assert.Equal(["1", "2", "3", "4"], Categorical(dta, "period").Levels);
        // The string column note becomes categorical.
        Assert.IsType<CategoricalColumn>(dta["note"]);
    }

    [Fact]
    public void Penicillin_v12_dta_value_labels_give_the_factors_of_the_builtin_penicillin()
    {
        var dta = StataFile.Read(DataFile("penicillin_v12.dta"));
        var builtin = Datasets.Load("penicillin");
        AssertSameFrame(builtin, dta, 0);
        Assert.Equal(["A", "B", "C", "D", "E", "F"], Categorical(dta, "sample").Levels);
        Assert.Equal(24, Categorical(dta, "plate").Levels.Count);
    }

    [Fact]
    public void Misc_dta_matches_misc_expected_csv()
    {
        var dta = StataFile.Read(DataFile("misc.dta"));
        var expected = CsvFile.Read(DataFile("misc_expected.csv"));
        Assert.Equal(6, dta.RowCount);
        // Integer column with a missing value, and x with Stata's extended missing values .a and .b: all NaN.
        foreach (var name in new[] { "id", "b", "x" }) AssertSameColumn(expected[name], dta[name], 0);
        Assert.Equal(3, dta["x"].MissingCount);
        Assert.Equal(1, dta["b"].MissingCount);
        // grp carries value labels 1 = low, 2 = mid, 3 = high: categorical, levels in code order.
        var grp = Categorical(dta, "grp");
        Assert.Equal(["low", "mid", "high"], grp.Levels);
        Assert.Equal(Texts(expected["grp"]), Texts(grp));
        // note is a strL (UTF-8): its length in characters; R's "" (length 0) is Stata's missing string.
        var note = Categorical(dta, "note");
        var nchar = Numeric(expected, "note_nchar");
        for (int row = 0; row < dta.RowCount; row++)
        {
            string? text = note.FormatValue(row);
            Assert.Equal(nchar[row], text is null ? 0 : text.EnumerateRunes().Count());
        }
        Assert.Equal(3000, note.FormatValue(0)!.EnumerateRunes().Count());
    }

    internal static FrameSchema FixtureSchema(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReferenceDir, "datasets.json")));
        var factors = json.RootElement.GetProperty(file).GetProperty("factors");
        return new FrameSchema(null, factors.EnumerateObject().Select(p =>
            new KeyValuePair<string, IReadOnlyList<string>>(p.Name, [.. p.Value.EnumerateArray().Select(v => v.GetString()!)])));
    }

    internal static void AssertSameFrame(Frame expected, Frame actual, double relativeTolerance)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.RowCount, actual.RowCount);
        foreach (var column in expected.Columns) AssertSameColumn(column, actual[column.Name], relativeTolerance);
    }

    internal static void AssertSameColumn(Column expected, Column actual, double relativeTolerance)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Length, actual.Length);
        if (expected is CategoricalColumn e)
        {
            var a = (CategoricalColumn)actual;
            Assert.Equal(e.Levels, a.Levels);
            Assert.Equal(e.Codes.ToArray(), a.Codes.ToArray());
            return;
        }
        var x = ((NumericColumn)expected).Values;
        var y = ((NumericColumn)actual).Values;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]))
            {
                Assert.True(double.IsNaN(y[i]), $"column '{expected.Name}' row {i + 1}: expected missing, got {y[i]}");
                continue;
            }
            double tolerance = relativeTolerance * Math.Abs(x[i]);
            Assert.True(Math.Abs(x[i] - y[i]) <= tolerance,
                $"column '{expected.Name}' row {i + 1}: expected {x[i]:R}, got {y[i]:R} (tolerance {tolerance:R})");
        }
    }
}
