namespace Multilevel.Data;

/// <summary>
/// One named column of a <see cref="Frame"/>: either numeric (<see cref="NumericColumn"/>, NaN = missing)
/// or categorical (<see cref="CategoricalColumn"/>, integer codes into ordered levels, −1 = missing).
/// Columns are immutable.
/// </summary>
public abstract class Column
{
    /// <summary>Creates a column with the given name.</summary>
    protected Column(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The column's name as it appears in formulas.</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>True when the value in <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>Number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Length; i++)
            {
                if (IsMissing(i)) count++;
            }
            return count;
        }
    }

    /// <summary>A new column holding the given rows, in that order.</summary>
    public abstract Column Take(ReadOnlySpan<int> rows);

    /// <summary>The same values under another name.</summary>
    public abstract Column WithName(string name);

    /// <summary>The value in <paramref name="row"/> as text (level label or number as R prints it); null when missing.</summary>
    public abstract string? FormatValue(int row);
}

/// <summary>A numeric column; missing values are NaN.</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    /// <summary>Creates a numeric column. The array is owned by the column from now on.</summary>
    public NumericColumn(string name, double[] values) : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <summary>The values (NaN = missing).</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value in one row.</summary>
    public double this[int row] => _values[row];

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var result = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++) result[i] = _values[rows[i]];
        return new NumericColumn(Name, result);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new NumericColumn(name, _values);

    /// <inheritdoc />
    public override string? FormatValue(int row) =>
        double.IsNaN(_values[row]) ? null : NumberFormat.R(_values[row]);

    /// <summary>The values as an array the caller may not modify (no copy).</summary>
    internal double[] UnsafeArray => _values;
}

/// <summary>A categorical column: integer codes (0-based, −1 = missing) into an ordered list of levels.
/// The first level is the reference level of treatment contrasts.</summary>
public sealed class CategoricalColumn : Column
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    /// <summary>Creates a categorical column. Codes must lie in [−1, levels.Count).</summary>
    public CategoricalColumn(string name, int[] codes, IReadOnlyList<string> levels) : base(name)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(levels);
        _codes = codes;
        _levels = [.. levels];
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < -1 || codes[i] >= _levels.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(codes),
                    $"column '{name}': code {codes[i]} in row {i + 1} is outside [-1, {_levels.Length - 1}]");
            }
        }
    }

    /// <summary>Level codes per row (−1 = missing).</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The ordered levels.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>Code of one row (−1 = missing).</summary>
    public int this[int row] => _codes[row];

    /// <inheritdoc />
    public override int Length => _codes.Length;

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var result = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) result[i] = _codes[rows[i]];
        return new CategoricalColumn(Name, result, _levels);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new CategoricalColumn(name, _codes, _levels);

    /// <inheritdoc />
    public override string? FormatValue(int row) => _codes[row] < 0 ? null : _levels[_codes[row]];

    /// <summary>The codes as an array the caller may not modify (no copy).</summary>
    internal int[] UnsafeCodes => _codes;
}
