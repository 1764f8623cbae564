using Multilevel.Data;
using Multilevel.Formulas;
using Multilevel.Sources.Internals;

namespace Multilevel.Sources.Sql;

/// <summary>A value of a column is not among the levels given for it (<c>--levels COL=…</c>): a usage error.</summary>
public sealed class SqlLevelsMismatchException : MultilevelException, IUsageError
{
    /// <summary>Creates the exception.</summary>
    public SqlLevelsMismatchException(string source, string column, string value, IReadOnlyList<string> levels)
        : base($"{source}: column '{column}' holds the value '{value}', which is not one of the levels given ({string.Join(", ", levels)}); " +
               "list every value of the column, or leave those rows out with --query")
    {
        Column = column;
        Value = value;
    }

    /// <summary>The column.</summary>
    public string Column { get; }

    /// <summary>The value that is not a level.</summary>
    public string Value { get; }
}

/// <summary>The levels of a factor in order, with the database values that make each level.</summary>
internal sealed class SqlLevels
{
    private readonly Dictionary<string, int>? _byText;
    private readonly Dictionary<double, int>? _byNumber;

    public SqlLevels(string[] labels, List<object>[] values, bool numeric)
    {
        Labels = labels;
        Values = values;
        if (numeric)
        {
            _byNumber = [];
            for (int l = 0; l < values.Length; l++)
            {
                foreach (double v in values[l]) _byNumber[v] = l;
            }
        }
        else
        {
            _byText = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int l = 0; l < values.Length; l++)
            {
                foreach (string v in values[l]) _byText[v] = l;
            }
        }
    }

    /// <summary>The level labels in order.</summary>
    public string[] Labels { get; }

    /// <summary>Per level, the database values that are this level (none for a given level without rows).</summary>
    public List<object>[] Values { get; }

    public int Count => Labels.Length;

    /// <summary>The level of a text value, or −1.</summary>
    public int Of(string value) => _byText!.GetValueOrDefault(value, -1);

    /// <summary>The level of a numeric value, or −1.</summary>
    public int Of(double value) => _byNumber!.GetValueOrDefault(value == 0 ? 0.0 : value, -1);

    /// <summary>The same levels without those that have no database value (levels no row has).</summary>
    public SqlLevels Present()
    {
        var keep = Enumerable.Range(0, Count).Where(l => Values[l].Count > 0).ToArray();
        if (keep.Length == Count) return this;
        return new SqlLevels([.. keep.Select(l => Labels[l])], [.. keep.Select(l => Values[l])], _byNumber is not null);
    }
}

/// <summary>
/// A data column used as a factor, and how its database values become levels in the in-memory design's order:
/// numbers sort numerically (labelled as R prints them); text sorts numerically when every value of the column reads
/// as a number, else in byte order; <c>--levels</c> gives the order (values matched as text, or as numbers).
/// </summary>
internal sealed class SqlFactor
{
    private readonly LevelMatcher? _matcher;

    public SqlFactor(SqlColumn column, IReadOnlyList<string>? given, bool declared)
    {
        Column = column;
        Given = given;
        Declared = declared;
        if (given is not null) _matcher = new LevelMatcher(given);
    }

    public SqlColumn Column { get; }

    /// <summary>The levels <c>--levels</c> gives, or null.</summary>
    public IReadOnlyList<string>? Given { get; }

    /// <summary>True when <c>--factor</c> names the column.</summary>
    public bool Declared { get; }

    /// <summary>True when the database values are numbers.</summary>
    public bool NumericValues => Column.Kind == SourceColumnKind.Numeric;

    /// <summary>For a text column: whether every non-missing value of the column reads as a number (from the survey query).</summary>
    public bool TextAllNumbers { get; set; } = true;

    public SqlValueType KeyType => NumericValues ? SqlValueType.Float64 : SqlValueType.Text;

    public string Key(SqlDialect dialect) => NumericValues ? dialect.NumberOf(Column) : dialect.TextOf(Column);

    /// <summary>The levels made by the distinct values given (strings or doubles), in order.</summary>
    public SqlLevels Order(IEnumerable<object> distinct, string source)
    {
        if (Given is { } given)
        {
            var values = given.Select(_ => new List<object>()).ToArray();
            foreach (var v in distinct)
            {
                int l = v is double d ? _matcher!.Match(NumberFormat.R(d), d) : _matcher!.Match((string)v);
                if (l < 0) throw new SqlLevelsMismatchException(source, Column.Name, v is double x ? NumberFormat.R(x) : (string)v, given);
                values[l].Add(v);
            }
            return new SqlLevels([.. given], values, NumericValues);
        }
        if (NumericValues)
        {
            var numbers = distinct.Select(v => (double)v).Select(v => v == 0 ? 0.0 : v).Distinct().ToArray();
            Array.Sort(numbers);
            return new SqlLevels([.. numbers.Select(v => Declared ? NumberFormat.R(v) : RNumberFormat.Format(v))],
                [.. numbers.Select(v => new List<object> { v })], numeric: true);
        }
        var texts = distinct.Select(v => (string)v).Distinct(StringComparer.Ordinal).ToArray();
        IReadOnlyList<string> ordered;
        if (TextAllNumbers)
        {
            ordered = LevelOrder.Sort(texts);
        }
        else
        {
            Array.Sort(texts, LevelOrder.Utf8Comparer.Instance);
            ordered = texts;
        }
        return new SqlLevels([.. ordered], [.. ordered.Select(t => new List<object> { t })], numeric: false);
    }
}
