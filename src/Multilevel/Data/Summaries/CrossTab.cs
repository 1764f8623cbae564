namespace Multilevel.Data;

/// <summary>
/// Counts of rows by the levels of one row factor and the level combinations of one or more column factors, as
/// pandas' <c>crosstab</c> makes them: only levels and combinations that occur are shown, rows with a missing value
/// in any of the factors are left out (and counted in <see cref="RowsDropped"/>). A numeric column serves as a factor
/// of its distinct values.
/// </summary>
/// <param name="RowFactor">The row factor's column.</param>
/// <param name="ColumnFactors">The column factors' columns, outermost first.</param>
/// <param name="RowLevels">The row levels shown, in level order.</param>
/// <param name="ColumnLevels">The column level combinations shown (one level per column factor), in level order.</param>
/// <param name="Counts">Counts[i][j]: rows at row level i and column combination j.</param>
/// <param name="RowsDropped">Rows left out for a missing value.</param>
public sealed record CrossTab(string RowFactor, IReadOnlyList<string> ColumnFactors, IReadOnlyList<string> RowLevels,
    IReadOnlyList<IReadOnlyList<string>> ColumnLevels, IReadOnlyList<IReadOnlyList<long>> Counts, int RowsDropped)
{
    /// <summary>Cross-tabulates <paramref name="row"/> against <paramref name="columns"/>.</summary>
    /// <exception cref="UnknownColumnException">A column does not exist.</exception>
    public static CrossTab Of(Frame frame, string row, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("give at least one column factor", nameof(columns));
        var factors = new[] { row }.Concat(columns).Select(name => AsFactor(frame[name])).ToArray();
        var rowFactor = factors[0];
        var columnFactors = factors[1..];
        // A combination of column levels as one mixed-radix number, so that numeric order is level order.
        var radix = columnFactors.Select(f => (long)f.Levels.Count).ToArray();
        var counts = new Dictionary<(int Row, long Combination), long>();
        var rowsSeen = new SortedSet<int>();
        var combinationsSeen = new SortedSet<long>();
        int dropped = 0;
        for (int i = 0; i < frame.RowCount; i++)
        {
            int r = rowFactor.Codes[i];
            long combination = 0;
            bool missing = r < 0;
            for (int j = 0; j < columnFactors.Length && !missing; j++)
            {
                int code = columnFactors[j].Codes[i];
                missing = code < 0;
                combination = checked(combination * radix[j] + code);
            }
            if (missing)
            {
                dropped++;
                continue;
            }
            rowsSeen.Add(r);
            combinationsSeen.Add(combination);
            counts[(r, combination)] = counts.GetValueOrDefault((r, combination)) + 1;
        }
        IReadOnlyList<string> Levels(long combination)
        {
            var levels = new string[columnFactors.Length];
            for (int j = levels.Length - 1; j >= 0; j--)
            {
                levels[j] = columnFactors[j].Levels[(int)(combination % radix[j])];
                combination /= radix[j];
            }
            return levels;
        }
        return new CrossTab(row, [.. columns],
            [.. rowsSeen.Select(r => rowFactor.Levels[r])],
            [.. combinationsSeen.Select(Levels)],
            [.. rowsSeen.Select(r => (IReadOnlyList<long>)[.. combinationsSeen.Select(c => counts.GetValueOrDefault((r, c)))])],
            dropped);
    }

    private static CategoricalColumn AsFactor(Column column) => column switch
    {
        CategoricalColumn c => c,
        NumericColumn => (CategoricalColumn)new FrameSchema([column.Name]).Apply(new Frame([column]))[column.Name],
        _ => throw new ArgumentException($"column '{column.Name}' cannot be cross-tabulated", nameof(column)),
    };
}
