namespace Multilevel.Data;

/// <summary>A column holds a value that is not among the levels given for it (<c>--levels COL=…</c>): the
/// level list does not fit the data. A usage error (exit code 2): the message names the value, the row and the
/// levels given.</summary>
public sealed class LevelsMismatchException : DataFormatException, IUsageError
{
    /// <summary>Creates the exception.</summary>
    public LevelsMismatchException(string value, long row, IReadOnlyList<string> levels, string? file, long? line, string column)
        : base(Describe(value, row, levels), file, line, column)
    {
        Value = value;
        Row = row;
        Levels = levels;
    }

    /// <summary>The value that is not a level.</summary>
    public string Value { get; }

    /// <summary>The 1-based data row holding it.</summary>
    public long Row { get; }

    /// <summary>The levels given.</summary>
    public IReadOnlyList<string> Levels { get; }

    private static string Describe(string value, long row, IReadOnlyList<string> levels) =>
        $"value '{value}' in row {row} is not one of the levels given ({string.Join(", ", levels)}); " +
        "list every value of the column, or remove the row";
}
