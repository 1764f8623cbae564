using System.Diagnostics;
using System.Globalization;
using System.Text;
using Multilevel.Data.Csv;
using Multilevel.Models;
using Multilevel.Sources;
using Multilevel.Sources.Sql;

namespace Multilevel.Bench.Scale;

/// <summary>
/// Fits beyond memory (issue 8). <c>scale</c> runs each part in a process of its own (so that its peak memory is its
/// own) and prints one table:
/// <list type="bullet">
/// <item><c>ch</c>: a table simulated inside ClickHouse (numbers() and hash functions, so the rows never cross the
/// network), <c>y ~ x1 + x2 + (1 + x1|g)</c>: time of the sums and of the fit, bytes received, peak client memory;</item>
/// <item><c>crossed</c>: the same with a crossed factor, <c>+ (1|h)</c> (h has <c>--crossed</c> levels; each g meets
/// at most five of them);</item>
/// <item><c>csv-stream</c> and <c>csv-memory</c>: the same simulated model written to a CSV file, fitted streamed in
/// chunks and read whole into memory.</item>
/// </list>
/// Options: <c>--ch clickhouse://host:port/db</c> (default $MLM_CH_URL), <c>--rows N</c> (1e6), <c>--groups G</c>
/// (rows/100), <c>--crossed H</c> (100), <c>--csv-rows M</c> (1e6), <c>--csv-groups G</c> (M/100), <c>--dir D</c> (/tmp), <c>--only PART</c>,
/// <c>--check</c> (small sizes: compare the ClickHouse fit with an in-memory fit of the same rows).
/// The recorded run: <c>scale --rows 100000000 --groups 1000000 --csv-rows 10000000</c>.
/// </summary>
internal static class ScaleBench
{
    private const string Formula = "y ~ x1 + x2 + (1 + x1|g)";
    private const string CrossedFormula = "y ~ x1 + x2 + (1 + x1|g) + (1|h)";

    public static void Run(string[] args)
    {
        long rows = (long)Number(args, "--rows", 1e6);
        long groups = (long)Number(args, "--groups", rows / 100.0);
        int crossed = (int)Number(args, "--crossed", 100);
        long csvRows = (long)Number(args, "--csv-rows", 1e6);
        long csvGroups = (long)Number(args, "--csv-groups", csvRows / 100.0);
        string dir = Option(args, "--dir") ?? Path.GetTempPath();
        string? ch = Option(args, "--ch") ?? Environment.GetEnvironmentVariable("MLM_CH_URL");
        string? only = Option(args, "--only");
        bool check = args.Contains("--check");
        if (only is not null)
        {
            RunPart(only, ch, rows, groups, crossed, csvRows, csvGroups, dir, check);
            return;
        }

        Console.WriteLine($"# scale benchmark ({Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()})");
        var parts = new List<string>();
        if (ch is not null)
        {
            parts.Add("ch");
            parts.Add("crossed");
        }
        else
        {
            Console.WriteLine("no ClickHouse (--ch clickhouse://host:port/db or MLM_CH_URL): the ClickHouse parts are left out");
        }
        parts.Add("csv-stream");
        parts.Add("csv-memory");
        var results = new List<string>();
        foreach (var part in parts)
        {
            var childArgs = new List<string> { "scale", "--only", part, "--rows", Inv(rows), "--groups", Inv(groups), "--crossed", Inv(crossed), "--csv-rows", Inv(csvRows), "--csv-groups", Inv(csvGroups), "--dir", dir };
            if (ch is not null) childArgs.AddRange(["--ch", ch]);
            if (check) childArgs.Add("--check");
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in ChildPrefix().Concat(childArgs)) start.ArgumentList.Add(a);
            using var child = Process.Start(start)!;
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                if (line.StartsWith("| ", StringComparison.Ordinal)) results.Add(line);
                Console.WriteLine(line);
            }
            child.WaitForExit();
            if (child.ExitCode != 0) Console.WriteLine($"part {part} failed (exit {child.ExitCode})");
        }
        Console.WriteLine();
        Console.WriteLine("| part | model | rows | groups | sums | fit (total) | bytes received | queries / passes | peak client memory |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results) Console.WriteLine(r);
    }

    /// <summary>When the bench runs through `dotnet Multilevel.Bench.dll`, the child needs the dll path first.</summary>
    private static IEnumerable<string> ChildPrefix()
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        return Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet" ? [entry] : [];
    }

    private static void RunPart(string part, string? ch, long rows, long groups, int crossed, long csvRows, long csvGroups, string dir, bool check)
    {
        switch (part)
        {
            case "ch":
            case "crossed":
                {
                    if (ch is null) throw new ArgumentException("--ch clickhouse://host:port/db is needed");
                    string table = $"mlm_bench_{rows}_{groups}_{crossed}";
                    Generate(ch, table, rows, groups, crossed);
                    string formula = part == "ch" ? Formula : CrossedFormula;
                    var clock = Stopwatch.StartNew();
                    var source = GramSources.OpenDatabase($"{ch}?table={table}");
                    GramDesign design;
                    try
                    {
                        design = source.Accumulate(formula);
                    }
                    finally
                    {
                        (source as IDisposable)?.Dispose();
                    }
                    var fit = LinearMixedModel.Fit(design, LinearMixedModelOptions.MaximumLikelihood);
                    double total = clock.Elapsed.TotalSeconds;
                    var s = design.Info.Statistics;
                    Console.WriteLine(Inv($"{part}: {formula}: deviance {fit.Objective:R}, β [{string.Join(", ", fit.FixedEffects.Select(b => b.ToString("G8", CultureInfo.InvariantCulture)))}], θ [{string.Join(", ", fit.Theta.Select(b => b.ToString("G6", CultureInfo.InvariantCulture)))}], σ {fit.Sigma:G6}, {fit.OptSummary.Evaluations} evaluations"));
                    Console.WriteLine(Inv($"| ClickHouse MergeTree | `{formula}` | {rows:N0} | {groups:N0}{(part == "crossed" ? $" × {crossed}" : "")} | {s.Seconds:F1} s | {total:F1} s | {s.BytesReceived / 1048576.0:F1} MiB ({s.RowsReceived:N0} rows) | {s.Queries} | {PeakMiB()} |"));
                    if (check) CheckAgainstMemory(ch, table, formula, rows, fit);
                    break;
                }
            case "csv-stream":
            case "csv-memory":
                {
                    string path = Path.Combine(dir, $"mlm_bench_{csvRows}_{csvGroups}.csv");
                    WriteCsv(path, csvRows, csvGroups);
                    var clock = Stopwatch.StartNew();
                    LinearMixedModelFit fit;
                    string how;
                    if (part == "csv-stream")
                    {
                        var design = StreamingGramSource.Open(path).Accumulate(Formula);
                        fit = LinearMixedModel.Fit(design, LinearMixedModelOptions.MaximumLikelihood);
                        how = $"{design.Info.Statistics.Passes} passes";
                    }
                    else
                    {
                        var frame = CsvFile.Read(path);
                        fit = LinearMixedModel.Fit(Formula, frame, LinearMixedModelOptions.MaximumLikelihood);
                        how = "read whole";
                    }
                    double total = clock.Elapsed.TotalSeconds;
                    Console.WriteLine(Inv($"{part}: deviance {fit.Objective:R}, β [{string.Join(", ", fit.FixedEffects.Select(b => b.ToString("G8", CultureInfo.InvariantCulture)))}], θ [{string.Join(", ", fit.Theta.Select(b => b.ToString("G6", CultureInfo.InvariantCulture)))}]"));
                    Console.WriteLine(Inv($"| CSV, {(part == "csv-stream" ? "streamed" : "in memory")} | `{Formula}` | {csvRows:N0} | {csvGroups:N0} | — | {total:F1} s | {new FileInfo(path).Length / 1048576.0:F0} MiB file | {how} | {PeakMiB()} |"));
                    break;
                }
            default:
                throw new ArgumentException($"unknown part '{part}': ch, crossed, csv-stream or csv-memory");
        }
    }

    /// <summary>The simulated table, made inside ClickHouse from numbers() (nothing crosses the network); kept for the
    /// next run when it exists with the right number of rows.</summary>
    private static void Generate(string ch, string table, long rows, long groups, int crossed)
    {
        var (http, where) = Client(ch);
        using (http)
        {
            string Run(string sql) => http.QueryText(sql, where, CancellationToken.None).Text.Trim();
            string exists = Run($"SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '{table}'");
            if (exists == "1" && Run($"SELECT count() FROM {table}") == Inv(rows)) return;
            Run($"DROP TABLE IF EXISTS {table}");
            Run($"CREATE TABLE {table} (g UInt32, h UInt16, x1 Float64, x2 Float64, y Float64) ENGINE = MergeTree ORDER BY g");
            var clock = Stopwatch.StartNew();
            // U(k, s): a uniform in (0, 1) from a hash; Z(k, s): an approximately normal deviate (a sum of four uniforms)
            static string U(string k, int s) => $"((cityHash64({k}, {s}) + 0.5) / 18446744073709551616.0)";
            static string Z(string k, int s) => $"(({U(k, s)} + {U(k, s + 1)} + {U(k, s + 2)} + {U(k, s + 3)} - 2) * 1.7320508075688772)";
            string g = $"toUInt32(number % {groups})";
            string h = $"toUInt16((toUInt64(number % {groups}) * 7 + cityHash64(number, 99) % 5) % {crossed})";
            string x1 = Z("number", 10);
            string x2 = $"({U("number", 20)} - 0.5)";
            string b0 = $"(0.8 * {Z($"toUInt64(number % {groups})", 30)})";
            string b1 = $"(0.3 * {Z($"toUInt64(number % {groups})", 40)})";
            string c = $"(0.5 * {Z($"toUInt64((toUInt64(number % {groups}) * 7 + cityHash64(number, 99) % 5) % {crossed})", 50)})";
            string e = Z("number", 60);
            Run($"INSERT INTO {table} SELECT {g} AS g, {h} AS h, {x1} AS x1, {x2} AS x2, " +
                $"2 + 0.5 * x1 - 0.25 * x2 + {b0} + {b1} * x1 + {c} + {e} AS y FROM numbers({rows})");
            Console.WriteLine(Inv($"generated {table}: {rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s"));
        }
    }

    private static (ClickHouseHttp Http, string Where) Client(string ch)
    {
        var uri = new Uri(ch);
        var server = new UriBuilder("http", uri.Host, uri.Port > 0 ? uri.Port : 8123).Uri;
        string database = uri.AbsolutePath.Trim('/');
        return (new ClickHouseHttp(server, database.Length == 0 ? "default" : database, null, null), server.ToString());
    }

    /// <summary>At small sizes: the same rows read into memory give the same fit.</summary>
    private static void CheckAgainstMemory(string ch, string table, string formula, long rows, LinearMixedModelFit fromSums)
    {
        if (rows > 5_000_000)
        {
            Console.WriteLine("check: left out above 5,000,000 rows");
            return;
        }
        var (http, where) = Client(ch);
        string csv;
        using (http) csv = http.QueryText($"SELECT g, h, x1, x2, y FROM {table} FORMAT CSVWithNames", where, CancellationToken.None).Text;
        var frame = CsvFile.Read(() => new MemoryStream(Encoding.UTF8.GetBytes(csv)), table);
        var memory = LinearMixedModel.Fit(formula, frame, LinearMixedModelOptions.MaximumLikelihood);
        double dObjective = Math.Abs(memory.Objective - fromSums.Objective) / Math.Abs(memory.Objective);
        double dBeta = memory.FixedEffects.Zip(fromSums.FixedEffects, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        Console.WriteLine(Inv($"check against the rows in memory: objective differs by {dObjective:E1} relative, β by {dBeta:E1} (ClickHouse prints doubles to 17 digits in CSV)"));
    }

    /// <summary>The simulated model as a CSV file (a hash of the row number as the random source), kept when present.</summary>
    private static void WriteCsv(string path, long rows, long groups)
    {
        if (File.Exists(path)) return;
        var clock = Stopwatch.StartNew();
        string tmp = path + ".part";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 20))
        {
            w.Write("g,x1,x2,y\n");
            for (long i = 0; i < rows; i++)
            {
                long gi = i % groups;
                double x1 = Z((ulong)i, 10), x2 = U((ulong)i, 20) - 0.5;
                double y = 2 + 0.5 * x1 - 0.25 * x2 + 0.8 * Z((ulong)gi, 30) + 0.3 * Z((ulong)gi, 40) * x1 + Z((ulong)i, 60);
                w.Write(gi.ToString(CultureInfo.InvariantCulture));
                w.Write(',');
                w.Write(x1.ToString("R", CultureInfo.InvariantCulture));
                w.Write(',');
                w.Write(x2.ToString("R", CultureInfo.InvariantCulture));
                w.Write(',');
                w.Write(y.ToString("R", CultureInfo.InvariantCulture));
                w.Write('\n');
            }
        }
        File.Move(tmp, path, overwrite: true);
        Console.WriteLine(Inv($"wrote {path}: {rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private static double U(ulong k, int s) => (SplitMix(k * 131 + (ulong)s) + 0.5) / 18446744073709551616.0;

    private static double Z(ulong k, int s) => (U(k, s) + U(k, s + 1) + U(k, s + 2) + U(k, s + 3) - 2) * 1.7320508075688772;

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static string PeakMiB()
    {
        using var p = Process.GetCurrentProcess();
        return Inv($"{p.PeakWorkingSet64 / 1048576.0:F0} MiB");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double Number(string[] args, string name, double fallback) =>
        Option(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Inv(long v) => v.ToString(CultureInfo.InvariantCulture);
}
