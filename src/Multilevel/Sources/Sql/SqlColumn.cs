using Multilevel.Sources.Internals;

namespace Multilevel.Sources.Sql;

/// <summary>A column of a table or query as the database describes it.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The database's type name (<c>double precision</c>, <c>Nullable(String)</c>).</param>
/// <param name="Kind">Numbers, categories, or neither.</param>
/// <param name="IsFloat">True for floating-point types (NaN counts as missing).</param>
/// <param name="IsNullable">True when the column may hold NULL (ClickHouse's Nullable; always true for PostgreSQL).</param>
internal sealed record SqlColumn(string Name, string Type, SourceColumnKind Kind, bool IsFloat, bool IsNullable);

/// <summary>The type of a result column, as the readers decode it.</summary>
internal enum SqlValueType
{
    /// <summary>A count (UInt64 / bigint).</summary>
    Count,

    /// <summary>A double.</summary>
    Float64,

    /// <summary>Text.</summary>
    Text,

    /// <summary>An array of doubles (the sums of a query).</summary>
    Float64Array,

    /// <summary>An array of text (distinct values).</summary>
    TextArray,
}

/// <summary>One row of a result, read column by column in order.</summary>
internal interface ISqlRow
{
    long GetCount(int column);

    double GetDouble(int column);

    string GetText(int column);

    double[] GetDoubles(int column);

    string[] GetTexts(int column);
}

/// <summary>A query failed in the database, or the database cannot be reached.</summary>
public class SqlSourceException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public SqlSourceException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public SqlSourceException(string message, Exception inner) : base(message, inner) { }
}
