namespace Multilevel.Data;

/// <summary>
/// Which columns are categorical and, optionally, their levels in order (the first level is the reference level of
/// treatment contrasts). A built-in data set carries one; <c>--factor COL</c> and <c>--levels COL=L1,L2,…</c> build
/// one that overrides it (<see cref="OverriddenBy"/>). Columns not named keep the type the file gives them.
/// Immutable.
/// </summary>
public sealed class FrameSchema
{
    private readonly HashSet<string> _factors;
    private readonly Dictionary<string, IReadOnlyList<string>> _levels;

    /// <summary>A schema that names no column.</summary>
    public static FrameSchema Empty { get; } = new();

    /// <summary>Creates a schema: <paramref name="factors"/> become categorical with inferred levels, the columns
    /// of <paramref name="levels"/> categorical with exactly those levels.</summary>
    public FrameSchema(IEnumerable<string>? factors = null, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>? levels = null)
    {
        _factors = new HashSet<string>(factors ?? [], StringComparer.Ordinal);
        _levels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (column, list) in levels ?? []) _levels[column] = CheckLevels(column, list);
    }

    /// <summary>Columns to make categorical with inferred levels (unless <see cref="Levels"/> names them too).</summary>
    public IReadOnlyCollection<string> Factors => _factors;

    /// <summary>Columns with an explicit level list.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Levels => _levels;

    /// <summary>True when the schema names no column.</summary>
    public bool IsEmpty => _factors.Count == 0 && _levels.Count == 0;

    /// <summary>Every column the schema names.</summary>
    public IEnumerable<string> Columns => _levels.Keys.Concat(_factors.Where(f => !_levels.ContainsKey(f)));

    /// <summary>True when the schema makes the column categorical.</summary>
    public bool IsCategorical(string column) => _factors.Contains(column) || _levels.ContainsKey(column);

    /// <summary>The explicit levels of a column, or null.</summary>
    public IReadOnlyList<string>? LevelsOf(string column) => _levels.GetValueOrDefault(column);

    /// <summary>This schema with one more categorical column.</summary>
    public FrameSchema WithFactor(string column) => new(_factors.Append(column), _levels);

    /// <summary>This schema with a column's levels set (replacing any it had).</summary>
    public FrameSchema WithLevels(string column, IReadOnlyList<string> levels) =>
        new(_factors, _levels.Where(kv => kv.Key != column).Append(new(column, levels)));

    /// <summary>This schema with <paramref name="overrides"/> on top: their level lists replace these; their factors
    /// are added (a column that has levels here keeps them).</summary>
    public FrameSchema OverriddenBy(FrameSchema overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var levels = new Dictionary<string, IReadOnlyList<string>>(_levels, StringComparer.Ordinal);
        foreach (var (column, list) in overrides._levels) levels[column] = list;
        return new FrameSchema(_factors.Concat(overrides._factors), levels);
    }

    /// <summary>
    /// Applies the schema to a frame read without it: a numeric column becomes categorical (levels: its distinct
    /// values as R prints them, in numeric order, or the given levels, matched as text or as numbers); a categorical
    /// column takes the given levels (matched as text). A value outside the given levels is an error naming the value
    /// and the row; a given level with no rows is kept.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="source">The file or data set, for messages.</param>
    /// <exception cref="UnknownColumnException">The schema names a column the frame does not have.</exception>
    /// <exception cref="LevelsMismatchException">A value is not among a column's given levels.</exception>
    public Frame Apply(Frame frame, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var result = frame;
        foreach (var name in Columns)
        {
            var column = frame[name];
            var levels = LevelsOf(name);
            Column converted = (column, levels) switch
            {
                (CategoricalColumn c, null) => c,
                (NumericColumn n, null) => Factorize(n),
                (_, not null) => Recode(column, levels, source),
                _ => throw new InvalidOperationException($"unexpected column type {column.GetType().Name}"),
            };
            if (!ReferenceEquals(converted, column)) result = result.With(converted);
        }
        return result;
    }

    /// <summary>Checks every column the schema names exists in the given list of names.</summary>
    /// <exception cref="UnknownColumnException">One does not.</exception>
    public void CheckColumns(IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        foreach (var name in Columns)
        {
            if (!columnNames.Contains(name, StringComparer.Ordinal)) throw new UnknownColumnException(name, columnNames);
        }
    }

    private static CategoricalColumn Factorize(NumericColumn column)
    {
        var values = column.Values;
        var distinct = new HashSet<double>();
        foreach (double v in values)
        {
            if (!double.IsNaN(v)) distinct.Add(v);
        }
        var sorted = distinct.Order().ToArray();
        var code = new Dictionary<double, int>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++) code[sorted[i]] = i;
        var codes = new int[values.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = double.IsNaN(values[i]) ? -1 : code[values[i]];
        return new CategoricalColumn(column.Name, codes, [.. sorted.Select(NumberFormat.R)]);
    }

    private static CategoricalColumn Recode(Column column, IReadOnlyList<string> levels, string? source)
    {
        var matcher = new LevelMatcher(levels);
        var codes = new int[column.Length];
        for (int row = 0; row < codes.Length; row++)
        {
            string? text = column.FormatValue(row);
            if (text is null)
            {
                codes[row] = -1;
                continue;
            }
            double number = column is NumericColumn n ? n[row] : double.NaN;
            codes[row] = column is NumericColumn ? matcher.Match(text, number) : matcher.Match(text);
            if (codes[row] < 0) throw new LevelsMismatchException(text, row + 1, levels, source, null, column.Name);
        }
        return new CategoricalColumn(column.Name, codes, levels);
    }

    private static IReadOnlyList<string> CheckLevels(string column, IReadOnlyList<string> levels)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        ArgumentNullException.ThrowIfNull(levels);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var level in levels)
        {
            if (!seen.Add(level)) throw new ArgumentException($"column '{column}': level '{level}' is listed twice", nameof(levels));
        }
        return [.. levels];
    }
}
