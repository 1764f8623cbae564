using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>
/// The database servers of the scale tests, as ./test.sh (tests/servers/db-servers.sh) starts them: PostgreSQL at
/// <c>MLM_PG_URL</c>, two ClickHouse shards at <c>MLM_CH_URL</c> and <c>MLM_CH2_URL</c>, with the tables hsb,
/// hsb_missing and insteval (and on ClickHouse the Distributed tables hsb_dist, hsb_missing_dist and insteval_dist over
/// both shards). <c>MLM_REQUIRE_SERVERS=1</c> (set by ./test.sh in CI) turns a missing server into a failure.
/// </summary>
internal static class DatabaseServers
{
    public static string? Postgres => Environment.GetEnvironmentVariable("MLM_PG_URL") is { Length: > 0 } u ? u : null;

    public static string? ClickHouse => Environment.GetEnvironmentVariable("MLM_CH_URL") is { Length: > 0 } u ? u : null;

    public static string? ClickHouseShard2 => Environment.GetEnvironmentVariable("MLM_CH2_URL") is { Length: > 0 } u ? u : null;

    public static bool Required => Environment.GetEnvironmentVariable("MLM_REQUIRE_SERVERS") == "1";

    public static string? SkipReason()
    {
        if (Required) return null;
        if (Postgres is null || ClickHouse is null)
        {
            return "the database servers are not running: ./test.sh starts PostgreSQL and two ClickHouse servers " +
                   "(tests/servers/db-servers.sh; it installs Debian's postgresql and clickhouse-server when it runs as root or with sudo)";
        }
        return null;
    }

    public static string Pg(string table) => $"{Postgres ?? throw new InvalidOperationException("MLM_PG_URL is not set: the database servers did not start")}?table={table}";

    public static string Ch(string table) => $"{ClickHouse ?? throw new InvalidOperationException("MLM_CH_URL is not set: the database servers did not start")}?table={table}";
}

/// <summary>A fact that needs the database servers (see <see cref="DatabaseServers"/>) and says why it skipped.</summary>
public sealed class DatabaseFactAttribute : FactAttribute
{
    public DatabaseFactAttribute()
    {
        if (DatabaseServers.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs the database servers.</summary>
public sealed class DatabaseTheoryAttribute : TheoryAttribute
{
    public DatabaseTheoryAttribute()
    {
        if (DatabaseServers.SkipReason() is { } reason) Skip = reason;
    }
}
