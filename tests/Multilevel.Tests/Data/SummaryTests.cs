using Multilevel.Data;
using Xunit;

namespace Multilevel.Tests.Data;

/// <summary>describe() and crosstab against the statsmodels tutorial on High School and Beyond
/// (J. N. Matias, "Fixed and Random Effect Models", 2015; seed text 000, cell In [2]).</summary>
public class SummaryTests
{
    // The tutorial's print(hsb_df[['mathach','ses']].describe()), as printed.
    private static readonly string[] TutorialDescribe =
    [
        "           mathach          ses",
        "count  7185.000000  7185.000000",
        "mean     12.747853     0.000143",
        "std       6.878246     0.779355",
        "min      -2.832000    -3.758000",
        "25%       7.275000    -0.538000",
        "50%      13.131000     0.002000",
        "75%      18.316999     0.602000",
        "max      24.993000     2.692000",
    ];

    // The tutorial's print(pd.crosstab(hsb_df['sector'], [hsb_df['female'], hsb_df['minority']])), as printed
    // (trailing blanks included).
    private static readonly string[] TutorialCrossTab =
    [
        "female       0          1     ",
        "minority     0    1     0    1",
        "0         1315  415  1406  506",
        "1         1166  494  1324  559",
    ];

    [Fact]
    public void Describe_of_hsb_gives_the_tutorial_figures()
    {
        var d = FrameDescription.Of(Datasets.Load("hsb"), ["mathach", "ses"]);
        var (mathach, ses) = (d.Numeric[0], d.Numeric[1]);
        // Printed to 6 decimals: agreement to half a unit of the last printed digit.
        const double half = 5e-7;
        Assert.Equal(7185, mathach.Count);
        Assert.Equal(12.747853, mathach.Mean, half);
        Assert.Equal(6.878246, mathach.Std, half);
        Assert.Equal(-2.832, mathach.Min, half);
        Assert.Equal(7.275, mathach.Q25, half);
        Assert.Equal(13.131, mathach.Median, half);
        Assert.Equal(24.993, mathach.Max, half);
        Assert.Equal(7185, ses.Count);
        Assert.Equal(0.000143, ses.Mean, half);
        Assert.Equal(0.779355, ses.Std, half);
        Assert.Equal(-3.758, ses.Min, half);
        Assert.Equal(-0.538, ses.Q25, half);
        Assert.Equal(0.002, ses.Median, half);
        Assert.Equal(0.602, ses.Q75, half);
        Assert.Equal(2.692, ses.Max, half);
        // The tutorial prints 18.316999: its hsb.dta held mathach as 4-byte floats, and float(18.317) =
        // 18.3169994354. Our hsb holds the 8-byte value 18.317 (R's Hsb82 and the reference hsb.csv).
        Assert.Equal(18.317, mathach.Q75);
        Assert.Equal("18.316999", ((double)(float)mathach.Q75).ToString("F6", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Describe_prints_the_tutorial_table_in_pandas_layout()
    {
        var text = PandasText.Describe(FrameDescription.Of(Datasets.Load("hsb"), ["mathach", "ses"]));
        // The one line that differs: 18.317 held as a double prints 18.317000 (see the test above).
        var expected = TutorialDescribe.Select(l => l.Replace("18.316999", "18.317000", StringComparison.Ordinal));
        Assert.Equal(expected, text.Split('\n'));
    }

    [Fact]
    public void Crosstab_of_hsb_gives_the_tutorial_counts()
    {
        var t = CrossTab.Of(Datasets.Load("hsb"), "sector", ["female", "minority"]);
        Assert.Equal(["0", "1"], t.RowLevels);
        Assert.Equal([["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]], t.ColumnLevels);
        Assert.Equal([1315L, 415, 1406, 506], t.Counts[0]);
        Assert.Equal([1166L, 494, 1324, 559], t.Counts[1]);
        Assert.Equal(0, t.RowsDropped);
    }

    [Fact]
    public void Crosstab_prints_the_tutorial_table_in_pandas_layout()
    {
        var lines = PandasText.CrossTab(CrossTab.Of(Datasets.Load("hsb"), "sector", ["female", "minority"])).Split('\n');
        // pandas (since 0.18) prints the row factor's name on a line of its own under the column headers; the
        // tutorial's pandas 0.16 did not. Every other line is the tutorial's.
        Assert.Equal("sector                        ", lines[2]);
        Assert.Equal(TutorialCrossTab, lines.Where((_, i) => i != 2));
    }

    [Fact]
    public void Crosstab_leaves_out_and_counts_rows_with_a_missing_value()
    {
        var frame = new Frame([
            new NumericColumn("r", [1, 1, 2, double.NaN, 2]),
            new CategoricalColumn("c", [0, 1, 1, 0, -1], ["x", "y", "unused"]),
        ]);
        var t = CrossTab.Of(frame, "r", ["c"]);
        Assert.Equal(2, t.RowsDropped);
        Assert.Equal([["x"], ["y"]], t.ColumnLevels);
        Assert.Equal([[1L, 1], [0L, 1]], t.Counts);
    }

    [Fact]
    public void Quantiles_interpolate_linearly_and_std_uses_n_minus_1()
    {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]; std(ddof=1) = sqrt(5/3).
        var s = NumericSummary.Of(new NumericColumn("x", [4, double.NaN, 1, 3, 2]));
        Assert.Equal(4, s.Count);
        Assert.Equal(2.5, s.Mean);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), s.Std, 1e-15);
        Assert.Equal((1.0, 1.75, 2.5, 3.25, 4.0), (s.Min, s.Q25, s.Median, s.Q75, s.Max));
        var one = NumericSummary.Of(new NumericColumn("x", [7]));
        Assert.True(double.IsNaN(one.Std));
        Assert.Equal(7, one.Q25);
    }

    [Fact]
    public void Pandas_float_format_trims_zeros_and_switches_to_scientific_as_pandas_does()
    {
        // pandas: a column of whole numbers prints with one decimal; a nonzero value below 1e-6 makes the column
        // scientific; values above 1e6 do when the column is then wider than 12 characters.
        Assert.Equal([" 3.0", " 1.0", " 0.0"], PandasTable.FormatFloats([3, 1, 0]));
        Assert.Equal([" 1.5", "-2.0"], PandasTable.FormatFloats([1.5, -2]));
        Assert.Equal([" 1.000000e-07", " 1.000000e+00"], PandasTable.FormatFloats([1e-7, 1]));
        Assert.Equal([" 12345678.9", " 0.5"], PandasTable.FormatFloats([12345678.9, 0.5]));
        Assert.Equal([" 1.234568e+07", " 5.000000e-01"], PandasTable.FormatFloats([12345678.91234, 0.5]));
        Assert.Equal([" 73421.0", " 3.5"], PandasTable.FormatFloats([73421, 3.5]));
        Assert.Equal(["NaN", " 2.0"], PandasTable.FormatFloats([double.NaN, 2]));
    }

    [Fact]
    public void A_wide_table_wraps_at_80_characters_as_pandas_does()
    {
        var lines = PandasText.Describe(FrameDescription.Of(Datasets.Load("hsb"))).Split('\n');
        // Five 12-character columns fit beside the 5-character index in 80 characters; pandas ends each line of a
        // block that continues with " \" (header) or blanks, and separates blocks with an empty line.
        Assert.Equal("          schoolid     minority       female          ses      mathach  \\", lines[0]);
        Assert.EndsWith("12.747853   ", lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[9]);
        Assert.Equal("           meanses       sector         cses  ", lines[10]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void A_mean_within_rounding_error_of_zero_is_zero()
    {
        // cses is centred within schools: its mean is 0 up to the rounding of its 7185 values, which differs between
        // the CSV (15 digits) and the .dta files (full doubles). Reported as 0, the two print the same.
        var csv = NumericSummary.Of((NumericColumn)Datasets.Load("hsb")["cses"]);
        Assert.Equal(0, csv.Mean);
        Assert.Equal(0.0001, NumericSummary.Of(new NumericColumn("x", [0.0001, 0.0001])).Mean);
    }
}
