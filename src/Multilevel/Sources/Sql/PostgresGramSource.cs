using Multilevel.Data;
using Multilevel.Sources.Internals;
using Npgsql;

namespace Multilevel.Sources.Sql;

/// <summary>
/// A table or query in PostgreSQL, summed by the server (through Npgsql): <c>GROUP BY</c> queries return, per level
/// of each grouping factor and per pair of levels, arrays of sums of products; nothing else crosses the network.
/// </summary>
public sealed class PostgresGramSource : SqlGramSource
{
    private readonly string _connectionString;

    private PostgresGramSource(string connectionString, string description, string relation, FrameSchema? overrides)
        : base(description, relation, overrides)
    {
        _connectionString = connectionString;
    }

    /// <summary>A table (<c>table</c> or <c>schema.table</c>).</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="table">The table.</param>
    /// <param name="description">What to call it in messages (a URL without its password).</param>
    /// <param name="overrides">Columns to make categorical, and their levels.</param>
    public static PostgresGramSource ForTable(string connectionString, string table, string description, FrameSchema? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        return new PostgresGramSource(connectionString, description, PostgresDialect.Instance.Table(table), overrides);
    }

    /// <summary>The rows of a query (a SELECT, used as a subquery).</summary>
    public static PostgresGramSource ForQuery(string connectionString, string query, string description, FrameSchema? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        return new PostgresGramSource(connectionString, description, $"({query.Trim().TrimEnd(';')}) AS mlm_rows", overrides);
    }

    private protected override SqlDialect Dialect => PostgresDialect.Instance;

    private protected override string GroupBy(IReadOnlyList<string> keys) => string.Join(", ", Enumerable.Range(1, keys.Count));

    private NpgsqlConnection Connect(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            ct.ThrowIfCancellationRequested();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            connection.Dispose();
            throw new SqlSourceException($"cannot connect to {Description}: {e.Message}", e);
        }
    }

    private protected override IReadOnlyList<SqlColumn> ReadColumns(CancellationToken cancellationToken)
    {
        using var connection = Connect(cancellationToken);
        string sql = $"SELECT * FROM {Relation} LIMIT 0";
        using var command = new NpgsqlCommand(sql, connection);
        try
        {
            using var reader = command.ExecuteReader();
            var schema = reader.GetColumnSchema();
            Record(sql.Length, 0, 0);
            return [.. schema.Select(c => Describe(c.ColumnName, c.DataTypeName, c.PostgresType is Npgsql.PostgresTypes.PostgresEnumType))];
        }
        catch (PostgresException e)
        {
            throw new SqlSourceException($"{Description}: {e.MessageText}{(e.Hint is { } h ? $" ({h})" : "")}", e);
        }
    }

    private static SqlColumn Describe(string name, string type, bool isEnum)
    {
        string t = type.ToLowerInvariant();
        int paren = t.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0) t = t[..paren].Trim();
        return t switch
        {
            "smallint" or "integer" or "bigint" or "int2" or "int4" or "int8" or "oid" => new SqlColumn(name, type, SourceColumnKind.Numeric, false, true),
            "real" or "double precision" or "float4" or "float8" or "numeric" or "decimal" => new SqlColumn(name, type, SourceColumnKind.Numeric, true, true),
            "text" or "character varying" or "varchar" or "character" or "char" or "bpchar" or "name" or "citext" or "boolean" or "bool" =>
                new SqlColumn(name, t is "bool" ? "boolean" : t, SourceColumnKind.Categorical, false, true),
            _ when isEnum => new SqlColumn(name, type, SourceColumnKind.Categorical, false, true),
            _ => new SqlColumn(name, type, SourceColumnKind.Unsupported, false, true),
        };
    }

    private protected override void Run(string sql, IReadOnlyList<SqlValueType> types, Action<ISqlRow> onRow, CancellationToken cancellationToken)
    {
        using var connection = Connect(cancellationToken);
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        long rows = 0;
        var row = new Row(types);
        try
        {
            using var registration = cancellationToken.Register(() =>
            {
                try
                {
                    command.Cancel();
                }
                catch (NpgsqlException)
                {
                }
            });
            using var reader = command.ExecuteReader();
            row.Reader = reader;
            while (reader.Read())
            {
                onRow(row);
                rows++;
            }
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SqlSourceException($"{Description}: {e.MessageText}{(e.Hint is { } h ? $" ({h})" : "")}", e);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SqlSourceException($"{Description}: {e.Message}", e);
        }
        cancellationToken.ThrowIfCancellationRequested();
        Record(System.Text.Encoding.UTF8.GetByteCount(sql), row.Bytes, rows);
    }

    /// <summary>A result row read through Npgsql; counts the payload bytes it decodes.</summary>
    private sealed class Row(IReadOnlyList<SqlValueType> types) : ISqlRow
    {
        public NpgsqlDataReader Reader { get; set; } = null!;

        public long Bytes { get; private set; }

        public long GetCount(int column)
        {
            Bytes += 8;
            return Reader.GetInt64(column);
        }

        public double GetDouble(int column)
        {
            Bytes += 8;
            return Reader.IsDBNull(column) ? 0 : Reader.GetDouble(column);
        }

        public string GetText(int column)
        {
            var s = Reader.GetString(column);
            Bytes += System.Text.Encoding.UTF8.GetByteCount(s);
            return s;
        }

        public double[] GetDoubles(int column)
        {
            if (Reader.IsDBNull(column)) return [];
            var values = Reader.GetFieldValue<double[]>(column);
            Bytes += 8L * values.Length;
            return values;
        }

        public string[] GetTexts(int column)
        {
            if (Reader.IsDBNull(column)) return [];
            var values = Reader.GetFieldValue<string[]>(column);
            Bytes += values.Sum(v => (long)System.Text.Encoding.UTF8.GetByteCount(v));
            return values;
        }

        public override string ToString() => string.Join(",", types);
    }
}
