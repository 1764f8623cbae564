using Multilevel.Data;
using Multilevel.Sources.Internals;

namespace Multilevel.Sources.Sql;

/// <summary>
/// A table in ClickHouse — a MergeTree table, or a Distributed table over several shards — summed by the servers
/// through the HTTP interface: one query per grouping factor (<c>sumForEach</c> over the array of the products a level
/// needs) and per pair of grouping factors; each shard aggregates its rows and the initiator merges the partial sums.
/// Written for ClickHouse 18.16's dialect (no query parameters: values are escaped literals).
/// </summary>
public sealed class ClickHouseGramSource : SqlGramSource, IDisposable
{
    private readonly ClickHouseHttp _client;
    private readonly string _where;

    private ClickHouseGramSource(Uri server, string database, string? user, string? password, string description, string relation, FrameSchema? overrides)
        : base(description, relation, overrides)
    {
        _client = new ClickHouseHttp(server, database, user, password);
        _where = server.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>A table of <paramref name="database"/> on the server whose HTTP interface is <paramref name="server"/>.</summary>
    public static ClickHouseGramSource ForTable(Uri server, string database, string table, string description, FrameSchema? overrides = null,
        string? user = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(table);
        return new ClickHouseGramSource(server, database, user, password, description, ClickHouseDialect.Instance.Table(table), overrides);
    }

    /// <summary>The rows of a query (used as a subquery).</summary>
    public static ClickHouseGramSource ForQuery(Uri server, string database, string query, string description, FrameSchema? overrides = null,
        string? user = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(query);
        return new ClickHouseGramSource(server, database, user, password, description, $"({query.Trim().TrimEnd(';')})", overrides);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private protected override SqlDialect Dialect => ClickHouseDialect.Instance;

    private protected override string GroupBy(IReadOnlyList<string> keys) => string.Join(", ", keys);

    private protected override IReadOnlyList<SqlColumn> ReadColumns(CancellationToken cancellationToken)
    {
        var (text, sent, received) = _client.QueryText($"SELECT * FROM {Relation} LIMIT 0 FORMAT TSVWithNamesAndTypes", _where, cancellationToken);
        Record(sent, received, 0);
        var lines = text.Split('\n');
        if (lines.Length < 2) throw new SqlSourceException($"{Description}: ClickHouse did not describe the columns ('{text}')");
        var names = lines[0].Split('\t').Select(Unescape).ToArray();
        var types = lines[1].Split('\t').Select(Unescape).ToArray();
        return [.. names.Zip(types, Describe)];
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var sb = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            char c = field[i];
            if (c != '\\' || i + 1 == field.Length)
            {
                sb.Append(c);
                continue;
            }
            char e = field[++i];
            sb.Append(e switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', 'b' => '\b', 'f' => '\f', _ => e });
        }
        return sb.ToString();
    }

    private static SqlColumn Describe(string name, string type)
    {
        string t = type;
        bool nullable = false;
        while (true)
        {
            if (t.StartsWith("Nullable(", StringComparison.Ordinal))
            {
                nullable = true;
                t = t[9..^1];
            }
            else if (t.StartsWith("LowCardinality(", StringComparison.Ordinal))
            {
                t = t[15..^1];
            }
            else
            {
                break;
            }
        }
        if (t is "Float32" or "Float64") return new SqlColumn(name, type, SourceColumnKind.Numeric, true, nullable);
        if (t is "Int8" or "Int16" or "Int32" or "Int64" or "UInt8" or "UInt16" or "UInt32" or "UInt64" || t.StartsWith("Decimal", StringComparison.Ordinal))
        {
            return new SqlColumn(name, type, SourceColumnKind.Numeric, false, nullable);
        }
        if (t is "String" || t.StartsWith("FixedString(", StringComparison.Ordinal) || t.StartsWith("Enum8(", StringComparison.Ordinal) || t.StartsWith("Enum16(", StringComparison.Ordinal))
        {
            return new SqlColumn(name, type, SourceColumnKind.Categorical, false, nullable);
        }
        return new SqlColumn(name, type, SourceColumnKind.Unsupported, false, nullable);
    }

    private protected override void Run(string sql, IReadOnlyList<SqlValueType> types, Action<ISqlRow> onRow, CancellationToken cancellationToken)
    {
        var (sent, received, rows) = _client.Query(sql, types, onRow, _where, cancellationToken);
        Record(sent, received, rows);
    }
}
