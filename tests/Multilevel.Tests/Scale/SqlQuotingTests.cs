using System.Globalization;
using System.Text;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Sources;
using Multilevel.Sources.Sql;
using Npgsql;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>
/// Identifiers are quoted and values escaped: a table whose name holds quotes and text levels holding quotes,
/// backslashes and SQL fragments fit exactly as the same data in memory, in PostgreSQL and in ClickHouse.
/// </summary>
public class SqlQuotingTests
{
    private const string Table = "odd \"name\" `table` o'k";

    private static readonly string[] Groups = [.. Enumerable.Range(0, 24).Select(i => i switch
    {
        0 => "O'Brien",
        1 => "back\\slash",
        2 => "x' OR '1'='1",
        3 => "semi;colon -- comment",
        4 => "quote \" and `tick`",
        5 => "tab\there",
        _ => $"school {i:D2}",
    })];

    private static readonly string[] Kinds = ["it's", "a\\b", "plain"];

    private static Frame Data()
    {
        int n = 480;
        var g = new int[n];
        var f = new int[n];
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            g[i] = i % Groups.Length;
            f[i] = (i / 7) % Kinds.Length;
            x[i] = Math.Round(Math.Sin(i * 1.7) * 3, 3);
            y[i] = Math.Round(10 + 0.5 * x[i] + (g[i] % 5) * 0.8 + f[i] * 1.5 + Math.Cos(i * 2.3) * 2, 3);
        }
        var groupLevels = Groups.Order(LevelOrder.Utf8Comparer.Instance).ToArray();
        var kindLevels = Kinds.Order(LevelOrder.Utf8Comparer.Instance).ToArray();
        int[] Recode(int[] codes, string[] from, string[] to) => [.. codes.Select(c => Array.IndexOf(to, from[c]))];
        return new Frame([
            new CategoricalColumn("g", Recode(g, Groups, groupLevels), groupLevels),
            new CategoricalColumn("f", Recode(f, Kinds, kindLevels), kindLevels),
            new NumericColumn("x", x),
            new NumericColumn("y", y),
        ]);
    }

    private static IEnumerable<(string G, string F, double X, double Y)> Rows(Frame data)
    {
        var g = (CategoricalColumn)data["g"];
        var f = (CategoricalColumn)data["f"];
        var x = (NumericColumn)data["x"];
        var y = (NumericColumn)data["y"];
        for (int i = 0; i < data.RowCount; i++) yield return (g.Levels[g[i]], f.Levels[f[i]], x[i], y[i]);
    }

    [DatabaseFact]
    public void OddNamesAndValuesFitAsInMemory()
    {
        const string formula = "y ~ x + f + (1 + x|g)";
        var data = Data();
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, data));
        Assert.Contains("fit's", string.Join(",", expected.Info.FixedEffectNames), StringComparison.Ordinal);

        // PostgreSQL
        var pgUrl = new Uri(DatabaseServers.Postgres!);
        var builder = new NpgsqlConnectionStringBuilder { Host = pgUrl.Host, Port = pgUrl.Port, Username = pgUrl.UserInfo, Database = pgUrl.AbsolutePath.Trim('/') };
        using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            connection.Open();
            string quoted = "\"" + Table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            using (var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {quoted}; CREATE TABLE {quoted} (g text, f text, x double precision, y double precision)", connection)) drop.ExecuteNonQuery();
            using var writer = connection.BeginBinaryImport($"COPY {quoted} (g, f, x, y) FROM STDIN (FORMAT BINARY)");
            foreach (var (g, f, x, y) in Rows(data))
            {
                writer.StartRow();
                writer.Write(g);
                writer.Write(f);
                writer.Write(x);
                writer.Write(y);
            }
            writer.Complete();
        }
        var pg = PostgresGramSource.ForTable(builder.ConnectionString, Table, "postgres test table").Accumulate(formula);
        ScaleAssert.SameDesign(expected, pg, 1e-12);
        ScaleAssert.SameFit(expected, pg, 1e-9);

        // ClickHouse (values as escaped literals: 18.16 has no query parameters)
        var chUrl = new Uri(DatabaseServers.ClickHouse!);
        var server = new UriBuilder("http", chUrl.Host, chUrl.Port).Uri;
        using (var http = new ClickHouseHttp(server, "default", null, null))
        {
            string quoted = ClickHouseDialect.Instance.Identifier(Table);
            http.QueryText($"DROP TABLE IF EXISTS {quoted}", "test", CancellationToken.None);
            http.QueryText($"CREATE TABLE {quoted} (g String, f String, x Float64, y Float64) ENGINE = MergeTree ORDER BY tuple()", "test", CancellationToken.None);
            var insert = new StringBuilder($"INSERT INTO {quoted} VALUES ");
            insert.AppendJoin(", ", Rows(data).Select(r => string.Create(CultureInfo.InvariantCulture,
                $"({ClickHouseDialect.Instance.Text(r.G)}, {ClickHouseDialect.Instance.Text(r.F)}, {r.X:R}, {r.Y:R})")));
            http.QueryText(insert.ToString(), "test", CancellationToken.None);
        }
        using var ch = ClickHouseGramSource.ForTable(server, "default", Table, "clickhouse test table");
        var chDesign = ch.Accumulate(formula);
        ScaleAssert.SameDesign(expected, chDesign, 1e-12);
        ScaleAssert.SameFit(expected, chDesign, 1e-9);
    }
}
