namespace Multilevel.Data;

/// <summary>A DATA argument names no file and no built-in data set, or a file of a type that is not read. The
/// message says what is accepted.</summary>
public sealed class DataSourceException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public DataSourceException(string message) : base(message) { }
}
