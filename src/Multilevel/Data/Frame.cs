namespace Multilevel.Data;

/// <summary>
/// A columnar data frame: named columns of equal length, numeric or categorical. Immutable:
/// operations return new frames sharing the unchanged columns.
/// </summary>
public sealed class Frame
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a frame from columns of equal length with distinct names.</summary>
    public Frame(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        for (int j = 0; j < _columns.Length; j++)
        {
            var c = _columns[j];
            if (c.Length != RowCount)
            {
                throw new ArgumentException(
                    $"column '{c.Name}' has {c.Length} rows but column '{_columns[0].Name}' has {RowCount}", nameof(columns));
            }
            if (!_index.TryAdd(c.Name, j))
            {
                throw new ArgumentException($"two columns are named '{c.Name}'", nameof(columns));
            }
        }
    }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<Column> Columns => _columns;

    /// <summary>Column names in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>True when a column of this name exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The column of this name, or null.</summary>
    public Column? Find(string name) => _index.TryGetValue(name, out int j) ? _columns[j] : null;

    /// <summary>The column of this name; throws <see cref="UnknownColumnException"/> naming the columns that exist.</summary>
    public Column this[string name] =>
        Find(name) ?? throw new UnknownColumnException(name, [.. ColumnNames]);

    /// <summary>A frame with the given rows (in that order).</summary>
    public Frame Take(ReadOnlySpan<int> rows)
    {
        var cols = new Column[_columns.Length];
        for (int j = 0; j < cols.Length; j++) cols[j] = _columns[j].Take(rows);
        return new Frame(cols);
    }

    /// <summary>A frame with a column added, or replaced when one of that name exists.</summary>
    public Frame With(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var cols = _columns.ToList();
        if (_index.TryGetValue(column.Name, out int j)) cols[j] = column;
        else cols.Add(column);
        return new Frame(cols);
    }

    /// <summary>A frame with only the named columns, in the given order.</summary>
    public Frame Select(IEnumerable<string> names) => new(names.Select(n => this[n]));
}
