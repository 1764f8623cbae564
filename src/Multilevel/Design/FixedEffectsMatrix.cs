namespace Multilevel.Design;

/// <summary>
/// The fixed-effects model matrix X: dense, column-major, full column rank (aliased columns were
/// removed by the design step and are listed in <see cref="AliasedColumns"/>). Column names follow
/// R's <c>model.matrix</c>.
/// </summary>
public sealed class FixedEffectsMatrix
{
    private readonly double[] _data;

    /// <summary>Creates the matrix from column-major data of <paramref name="rows"/> × names.Count.</summary>
    public FixedEffectsMatrix(double[] data, int rows, IReadOnlyList<string> columnNames, IReadOnlyList<string>? aliasedColumns = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(columnNames);
        if (data.Length != (long)rows * columnNames.Count)
        {
            throw new ArgumentException($"data has {data.Length} values, expected {rows} × {columnNames.Count}", nameof(data));
        }
        _data = data;
        Rows = rows;
        ColumnNames = [.. columnNames];
        AliasedColumns = aliasedColumns is null ? [] : [.. aliasedColumns];
    }

    /// <summary>Number of rows (observations used).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (p).</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>Column names, as R's <c>colnames(model.matrix(...))</c> after dropping aliased columns.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Columns that were linearly dependent on earlier ones and dropped (R reports these as NA coefficients).</summary>
    public IReadOnlyList<string> AliasedColumns { get; }

    /// <summary>Column-major values: element (i, j) is at <c>j * Rows + i</c>.</summary>
    public ReadOnlySpan<double> Values => _data;

    /// <summary>One column.</summary>
    public ReadOnlySpan<double> Column(int j) => _data.AsSpan(j * Rows, Rows);

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => _data[j * Rows + i];

    /// <summary>The underlying array (no copy; callers must not modify it).</summary>
    internal double[] UnsafeArray => _data;
}
