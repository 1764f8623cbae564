namespace Multilevel;

/// <summary>Base of every error the library reports to users: the message says what, where and what to do.</summary>
public class MultilevelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MultilevelException() { }

    /// <summary>Creates the exception with a message.</summary>
    public MultilevelException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MultilevelException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A data file could not be read: the message names the file, the line and the column.</summary>
public class DataFormatException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException(string message, string? file = null, long? line = null, string? column = null)
        : base(Compose(message, file, line, column))
    {
        File = file;
        Line = line;
        ColumnName = column;
    }

    /// <summary>The file, when known.</summary>
    public string? File { get; }

    /// <summary>The 1-based line (CSV) or record (binary formats), when known.</summary>
    public long? Line { get; }

    /// <summary>The column, when known.</summary>
    public string? ColumnName { get; }

    private static string Compose(string message, string? file, long? line, string? column)
    {
        var where = new List<string>();
        if (file is not null) where.Add(line is null ? file : $"{file}:{line}");
        else if (line is not null) where.Add($"line {line}");
        if (column is not null) where.Add($"column '{column}'");
        return where.Count == 0 ? message : $"{string.Join(", ", where)}: {message}";
    }
}

/// <summary>A formula or command names a column the data does not have.</summary>
public class UnknownColumnException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public UnknownColumnException(string column, IReadOnlyList<string> available)
        : base($"unknown column '{column}'; the data has: {string.Join(", ", available)}")
    {
        Column = column;
        Available = available;
    }

    /// <summary>The column asked for.</summary>
    public string Column { get; }

    /// <summary>The columns that exist.</summary>
    public IReadOnlyList<string> Available { get; }
}

/// <summary>A model cannot be fitted as specified (singular design that cannot be dropped, no observations,
/// non-convergence, a categorical column used as a number ...).</summary>
public class ModelSpecificationException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public ModelSpecificationException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public ModelSpecificationException(string message, Exception inner) : base(message, inner) { }
}
