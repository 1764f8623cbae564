using Multilevel.Data;
using Multilevel.Data.Stata;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;
using Storage = Multilevel.Tests.Data.DtaWriter.Storage;
using Variable = Multilevel.Tests.Data.DtaWriter.Variable;

namespace Multilevel.Tests.Data;

public class StataReaderTests
{
    private static Frame Read(byte[] bytes) => StataFile.Read(new MemoryStream(bytes), "test.dta");

    public static TheoryData<int, bool> Formats()
    {
        var data = new TheoryData<int, bool>();
        foreach (int release in new[] { 110, 114, 117, 118, 119 })
        {
            data.Add(release, false);
            data.Add(release, true);
        }
        return data;
    }

    /// <summary>Stata's missing codes: '.' is the first code past the largest value of each integer type (from format
    /// 113 on, the 27 codes ., .a … .z follow; before, only the type's largest value is missing). Floats: 2^127 and up,
    /// doubles: 2^1023 and up (.a is 2^127·(1 + 1/4096) in a float).</summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_numeric_type_and_missing_code_reads_in_both_byte_orders(int release, bool bigEndian)
    {
        bool extended = release >= 113;
        double[] byteValues = [-127, 100, 0, extended ? 101 : 127, extended ? 127 : 127];
        double[] intValues = [-32767, 32740, -5, extended ? 32741 : 32767, extended ? 32767 : 32767];
        double[] longValues = [-2147483647, 2147483620, 7, extended ? 2147483621 : int.MaxValue, extended ? 2147483622 : int.MaxValue];
        double[] floatValues = [-1.5, 3.25e30, 0.1f, Math.ScaleB(1, 127), Math.ScaleB(1, 127) * (1 + 1.0 / 4096)];
        double[] doubleValues = [-2.5e-300, 8.98e307, 0.1, Math.ScaleB(1, 1023), Math.ScaleB(1, 1023) * (1 + 2.0 / 4096)];
        var variables = new List<Variable>
        {
            new("b", Storage.Byte, Box(byteValues)),
            new("i", Storage.Int, Box(intValues)),
            new("l", Storage.Long, Box(longValues)),
            new("f", Storage.Float, Box(floatValues)),
            new("d", Storage.Double, Box(doubleValues)),
            new("s", Storage.Str, ["a", "bb", null, "é", "a"], Width: 5),
        };
        var frame = Read(new DtaWriter(release, bigEndian).Write(variables));

        Assert.Equal(5, frame.RowCount);
        Assert.Equal([-127, 100, 0, double.NaN, double.NaN], Numeric(frame, "b").Values.ToArray());
        Assert.Equal([-32767, 32740, -5, double.NaN, double.NaN], Numeric(frame, "i").Values.ToArray());
        Assert.Equal([-2147483647, 2147483620, 7, double.NaN, double.NaN], Numeric(frame, "l").Values.ToArray());
        Assert.Equal([-1.5, (double)3.25e30f, (double)0.1f, double.NaN, double.NaN], Numeric(frame, "f").Values.ToArray());
        Assert.Equal([-2.5e-300, 8.98e307, 0.1, double.NaN, double.NaN], Numeric(frame, "d").Values.ToArray());
        var s = Categorical(frame, "s");
        Assert.Equal(["a", "bb", "é"], s.Levels);
        Assert.Equal([0, 1, -1, 2, 0], s.Codes.ToArray());
    }

    [Theory]
    [InlineData(117, false)]
    [InlineData(117, true)]
    [InlineData(118, false)]
    [InlineData(118, true)]
    [InlineData(119, false)]
    [InlineData(119, true)]
    public void Long_strings_are_resolved_in_both_byte_orders(int release, bool bigEndian)
    {
        string longText = string.Concat(Enumerable.Repeat("Zürich ", 700));
        var variables = new List<Variable>
        {
            new("id", Storage.Long, [1.0, 2.0, 3.0]),
            new("note", Storage.StrL, [longText, null, "short"]),
        };
        var note = Categorical(Read(new DtaWriter(release, bigEndian).Write(variables)), "note");
        // Format 117 holds Latin-1 text, 118 and 119 UTF-8: "ü" is in both.
        Assert.Equal([longText, null, "short"], Texts(note));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Value_labels_make_a_categorical_column_with_levels_in_code_order(int release, bool bigEndian)
    {
        var writer = new DtaWriter(release, bigEndian);
        // Codes out of order in the table, an unlabelled code (4) in the data, a label with no rows (code 9).
        writer.LabelSets["lvl"] = [(3, "high"), (1, "low"), (2, "mid"), (9, "unused")];
        double missing = release >= 113 ? 2147483621 : int.MaxValue;
        var variables = new List<Variable> { new("g", Storage.Long, [2.0, 1.0, 3.0, 4.0, missing, 1.0], LabelSet: "lvl") };
        var g = Categorical(Read(writer.Write(variables)), "g");
        Assert.Equal(["low", "mid", "high", "4", "unused"], g.Levels);
        Assert.Equal(["mid", "low", "high", "4", null, "low"], Texts(g));
    }

    [Fact]
    public void A_label_set_that_the_file_does_not_define_leaves_the_column_numeric()
    {
        var variables = new List<Variable> { new("g", Storage.Byte, [1.0, 2.0], LabelSet: "nowhere") };
        Assert.IsType<NumericColumn>(Read(new DtaWriter(118, false).Write(variables))["g"]);
    }

    public static TheoryData<string> Fixtures => new() { "hsb.dta", "hsb_v15.dta", "hsb_v12.dta", "hsb_v7.dta", "penicillin_v12.dta", "cbpp.dta", "misc.dta" };

    /// <summary>A file cut short anywhere is an error that names the file and says it is truncated; no frame.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_truncated_file_is_an_error_naming_the_file(string file)
    {
        byte[] bytes = File.ReadAllBytes(DataFile(file));
        foreach (double fraction in new[] { 0.0, 0.01, 0.1, 0.5, 0.9, 0.999 })
        {
            int length = (int)(bytes.Length * fraction);
            using var temp = Temp(".dta", bytes[..length]);
            var e = Assert.ThrowsAny<DataFormatException>(() => StataFile.Read(temp.Path));
            Assert.Equal(temp.Path, e.File);
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal), $"{file} cut at {length} bytes: {e.Message}");
        }
    }

    [Fact]
    public void A_file_that_is_not_a_dta_file_is_an_error()
    {
        using var temp = Temp(".dta", "name,age\nx,1\n");
        var e = Assert.ThrowsAny<DataFormatException>(() => StataFile.Read(temp.Path));
        Assert.Contains("not a Stata .dta file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_format_is_an_error_naming_it()
    {
        var bytes = new DtaWriter(114, false).Write([new("x", Storage.Double, [1.0])]);
        bytes[0] = 105;
        var e = Assert.ThrowsAny<DataFormatException>(() => Read(bytes));
        Assert.Contains("format 105 is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_tag_is_an_error_saying_what_was_expected()
    {
        var bytes = File.ReadAllBytes(DataFile("hsb.dta"));
        int at = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("<varnames>", StringComparison.Ordinal);
        bytes[at + 1] = (byte)'X';
        var e = Assert.ThrowsAny<DataFormatException>(() => Read(bytes));
        Assert.Contains("expected '<varnames>'", e.Message, StringComparison.Ordinal);
    }

    private static object?[] Box(double[] values) => [.. values.Cast<object?>()];
}
