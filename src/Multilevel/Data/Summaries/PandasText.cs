namespace Multilevel.Data;

/// <summary>Summaries printed as pandas prints them, so that output can be compared with a pandas session line by
/// line (the tutorial's <c>describe()</c> and <c>crosstab</c>).</summary>
public static class PandasText
{
    private static readonly string[] DescribeRows = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];

    /// <summary>
    /// The description as <c>print(df.describe())</c>: numeric columns first; then, when there are categorical
    /// columns, their table (count, unique, top, freq) as <c>df.describe(include="category")</c> prints it.
    /// </summary>
    public static string Describe(FrameDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var parts = new List<string>();
        if (description.Numeric.Count > 0)
        {
            var cells = description.Numeric.Select(s => PandasTable.FormatFloats(
                [s.Count, s.Mean, s.Std, s.Min, s.Q25, s.Median, s.Q75, s.Max])).ToList();
            parts.Add(new PandasTable([""], [.. description.Numeric.Select(s => (IReadOnlyList<string>)[s.Column])],
                null, DescribeRows, cells).Render());
        }
        if (description.Categorical.Count > 0)
        {
            var cells = description.Categorical.Select(s => (IReadOnlyList<string>)
                [$" {s.Count}", $" {s.Unique}", s.Top is null ? "NaN" : " " + s.Top, $" {s.Freq}"]).ToList();
            parts.Add(new PandasTable([""], [.. description.Categorical.Select(s => (IReadOnlyList<string>)[s.Column])],
                null, ["count", "unique", "top", "freq"], cells).Render());
        }
        return string.Join("\n\n", parts);
    }

    /// <summary>The table as <c>print(pd.crosstab(df[row], [df[c1], df[c2], …]))</c>: hierarchical column headers
    /// named in the index column, the row factor's name on its own line.</summary>
    public static string CrossTab(CrossTab table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var headers = table.ColumnLevels.Select(levels => (IReadOnlyList<string>)[.. levels.Select(l => " " + l)]).ToList();
        var cells = Enumerable.Range(0, table.ColumnLevels.Count)
            .Select(j => PandasTable.FormatIntegers(table.Counts.Select(row => row[j]))).ToList();
        return new PandasTable(table.ColumnFactors, headers, table.RowFactor, table.RowLevels, cells).Render();
    }
}
