namespace Multilevel.Design;

/// <summary>
/// One random-effects term <c>(expr | g)</c> after evaluation: for each used row, the level of the grouping
/// factor and the q values of the term's model matrix (row-major, n × q). A term written with <c>||</c>
/// is split into one term per column, as lme4 does, all with the same <see cref="GroupName"/>.
/// </summary>
public sealed class ReTerm
{
    private readonly int[] _codes;
    private readonly double[] _z;

    /// <summary>Creates a term.</summary>
    /// <param name="groupName">Grouping factor as lme4 names it: <c>schoolid</c>, <c>cask:batch</c>.</param>
    /// <param name="levels">Levels of the grouping factor that occur in the used rows, in lme4's order.</param>
    /// <param name="codes">Per used row, the 0-based index into <paramref name="levels"/>.</param>
    /// <param name="columnNames">Names of the term's columns: <c>(Intercept)</c>, <c>Days</c>.</param>
    /// <param name="z">Row-major per-row values, n × q.</param>
    public ReTerm(string groupName, IReadOnlyList<string> levels, int[] codes, IReadOnlyList<string> columnNames, double[] z)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(z);
        if (z.Length != (long)codes.Length * columnNames.Count)
        {
            throw new ArgumentException($"z has {z.Length} values, expected {codes.Length} × {columnNames.Count}", nameof(z));
        }
        GroupName = groupName;
        Levels = [.. levels];
        ColumnNames = [.. columnNames];
        _codes = codes;
        _z = z;
    }

    /// <summary>Grouping factor name as lme4 prints it.</summary>
    public string GroupName { get; }

    /// <summary>Levels of the grouping factor (only those present in the used rows).</summary>
    public IReadOnlyList<string> Levels { get; }

    /// <summary>Number of levels (ℓ).</summary>
    public int LevelCount => Levels.Count;

    /// <summary>Names of the term's columns.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of columns per level (q).</summary>
    public int Q => ColumnNames.Count;

    /// <summary>Number of rows.</summary>
    public int Rows => _codes.Length;

    /// <summary>Level index per row.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>Row-major values, element (i, k) at <c>i * Q + k</c>.</summary>
    public ReadOnlySpan<double> Z => _z;

    internal int[] UnsafeCodes => _codes;

    internal double[] UnsafeZ => _z;
}
