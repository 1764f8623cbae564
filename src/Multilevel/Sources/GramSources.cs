using Multilevel.Data;
using Multilevel.Sources.Sql;
using Npgsql;

namespace Multilevel.Sources;

/// <summary>
/// Opens the source of sums a DATA argument names: a database URL (<c>postgresql://user@host:port/db?table=t</c>,
/// <c>clickhouse://host:8123/db?table=t</c>, or <c>?query=SELECT …</c>), or a .csv/.dta file streamed in chunks.
/// </summary>
public static class GramSources
{
    /// <summary>The URL schemes read: PostgreSQL and ClickHouse (its HTTP interface).</summary>
    public static IReadOnlyList<string> Schemes { get; } = ["postgresql", "postgres", "clickhouse"];

    /// <summary>True when <paramref name="data"/> is a database URL this library reads.</summary>
    public static bool IsDatabaseUrl(string? data) =>
        data is not null && Schemes.Any(s => data.StartsWith(s + "://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The URL with its password removed (for messages and results).</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo)) return url;
        string user = uri.UserInfo.Split(':')[0];
        return url.Replace(uri.UserInfo + "@", user + "@", StringComparison.Ordinal);
    }

    /// <summary>Opens a database URL.</summary>
    /// <param name="url">The URL: <c>postgresql://user:password@host:port/database?table=t</c> (or <c>?query=…</c>; other
    /// parameters go to Npgsql's connection string, e.g. <c>sslmode=require</c>), or
    /// <c>clickhouse://user:password@host:8123/database?table=t</c> (the HTTP port).</param>
    /// <param name="overrides">Columns to make categorical, and their levels (<c>--factor</c>, <c>--levels</c>).</param>
    /// <param name="table">The table, when the URL does not name one (<c>--table</c>).</param>
    /// <param name="query">A SELECT whose rows are the data, when the URL does not name a table (<c>--query</c>).</param>
    /// <exception cref="DataSourceException">The URL is malformed, or names no table and no query, or both.</exception>
    public static SqlGramSource OpenDatabase(string url, FrameSchema? overrides = null, string? table = null, string? query = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsDatabaseUrl(url))
        {
            throw new DataSourceException($"'{Redact(url)}' is not a database URL: write postgresql://user@host:port/database?table=t or clickhouse://host:8123/database?table=t");
        }
        var parameters = ParseQuery(uri.Query);
        string? urlTable = parameters.Remove("table", out var t) ? t : null;
        string? urlQuery = parameters.Remove("query", out var q) ? q : null;
        table ??= urlTable;
        query ??= urlQuery;
        if ((table is null) == (query is null))
        {
            throw new DataSourceException(table is null
                ? $"'{Redact(url)}' names no table: add ?table=NAME to the URL, or give --table NAME or --query \"SELECT …\""
                : $"'{Redact(url)}': give a table or a query, not both");
        }
        string database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) password = Uri.UnescapeDataString(parts[1]);
        }
        string shown = Redact(url);
        if (urlTable is null && urlQuery is null)
        {
            shown += (shown.Contains('?', StringComparison.Ordinal) ? "&" : "?") + (table is not null ? $"table={table}" : "query=…");
        }
        if (uri.Scheme.Equals("clickhouse", StringComparison.OrdinalIgnoreCase))
        {
            if (parameters.Count > 0) throw new DataSourceException($"'{shown}': unknown parameter '{parameters.Keys.First()}' (a ClickHouse URL takes table or query)");
            var server = new UriBuilder("http", uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 8123 : uri.Port).Uri;
            if (database.Length == 0) database = "default";
            return table is not null
                ? ClickHouseGramSource.ForTable(server, database, table, shown, overrides, user, password)
                : ClickHouseGramSource.ForQuery(server, database, query!, shown, overrides, user, password);
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Pooling = true,
            CommandTimeout = 0,
        };
        if (user is not null) builder.Username = user;
        if (password is not null) builder.Password = password;
        if (database.Length > 0) builder.Database = database;
        foreach (var (key, value) in parameters)
        {
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new DataSourceException($"'{shown}': unknown parameter '{key}' (a PostgreSQL URL takes table, query and Npgsql connection options such as sslmode)");
            }
        }
        return table is not null
            ? PostgresGramSource.ForTable(builder.ConnectionString, table, shown, overrides)
            : PostgresGramSource.ForQuery(builder.ConnectionString, query!, shown, overrides);
    }

    /// <summary>Opens a DATA argument: a database URL, or a .csv/.dta file streamed in chunks.</summary>
    public static IGramSource Open(string data, FrameSchema? overrides = null, string? table = null, string? query = null,
        int chunkRows = StreamingGramSource.DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IsDatabaseUrl(data)) return OpenDatabase(data, overrides, table, query);
        if (table is not null || query is not null) throw new DataSourceException("--table and --query apply to a database URL (postgresql://…, clickhouse://…)");
        return StreamingGramSource.Open(data, overrides, chunkRows);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            string value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result[key] = value;
        }
        return result;
    }
}
