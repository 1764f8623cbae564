using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Reporting;
using Multilevel.Cli.Commands.Inference;
using Multilevel.Sources;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>
/// <c>mlm fit</c> of a linear mixed model from sums, without reading the rows into memory: DATA is a database URL
/// (<c>postgresql://user@host:port/db?table=t</c>, <c>clickhouse://host:8123/db?table=t</c>; or <c>--table</c>,
/// <c>--query</c>), whose server computes the sums, or a file read in chunks (<c>--stream</c>). The output is the LMM
/// branch's, with the scaled residuals marked as not available and a line saying where the sums were computed.
/// </summary>
internal sealed class SumsFitBranch : IFitBranch
{
    private readonly Option<string?> _table = new("--table") { Description = "the table of a database URL (instead of ?table= in the URL)", HelpName = "NAME" };
    private readonly Option<string?> _query = new("--query") { Description = "a SELECT whose rows are the data of a database URL (computed by the server)", HelpName = "SQL" };
    private readonly Option<bool> _stream = new("--stream") { Description = "read a .csv or .dta file in chunks: memory independent of the number of rows (three passes over the file)" };
    private readonly Option<int?> _chunkRows = new("--chunk-rows") { Description = $"rows per chunk with --stream (default {StreamingGramSource.DefaultChunkRows:N0})", HelpName = "N" };

    private FitInferenceOptions? _inference;

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _inference = FitInferenceOptions.For(command);   // shared with LmmFitBranch
        command.Options.Add(_table);
        command.Options.Add(_query);
        command.Options.Add(_stream);
        command.Options.Add(_chunkRows);
    }

    /// <summary>True when the command line asks for a fit from sums: the data is a database URL, or --stream is given.
    /// Then <see cref="FitCommand"/> does not read the data into memory.</summary>
    public static bool ReadsSums(ParseResult parse, string dataName)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (GramSources.IsDatabaseUrl(dataName)) return true;
        var option = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--stream");
        return option is Option<bool> stream && parse.GetValue(stream);
    }

    public bool Claims(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ReadsSums(request.Parse, request.DataName))
        {
            if (request.Parse.GetValue(_table) is not null || request.Parse.GetValue(_query) is not null)
            {
                throw new UsageException("--table and --query apply to a database URL (postgresql://…, clickhouse://…)");
            }
            return false;
        }
        string? family = request.OptionText("--family");
        if (family is not null && !family.Equals("gaussian", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--family {family}: a fit from a database or a stream is a linear mixed model for now (GLMMs need a pass over the rows per iteration; see docs/scale-glmm.md)");
        }
        // inference from sums: Satterthwaite and profiles are functions of the Gram matrix, ICC and R² of moments kept
        // from it; only the parametric bootstrap simulates new responses row by row
        if (Tokens(request.Parse, "--ci").Any(k => k.Equals("boot", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UsageException("--ci boot: the parametric bootstrap simulates responses row by row, which a fit from a database or a stream does not hold; " +
                                     "--ci wald, --ci profile, --satterthwaite, --icc and --r2 are available here: fit the data (or a sample) in memory for the bootstrap");
        }
        if (request.Terms.RandomEffects.Count == 0)
        {
            throw new UsageException($"'{request.Formula}' has no random-effects term '( … | group)': a fit from a database or a stream is a linear mixed model for now; add one such as (1 | group)");
        }
        return true;
    }

    public int Run(FitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string style = request.Style ?? "lme4";
        var schema = DataOptions.ParseSchema(Tokens(request.Parse, "--factor"), Tokens(request.Parse, "--levels"));
        int chunkRows = request.Parse.GetValue(_chunkRows) ?? StreamingGramSource.DefaultChunkRows;
        if (chunkRows < 1) throw new UsageException($"--chunk-rows {chunkRows}: give a positive number of rows");
        var clock = Stopwatch.StartNew();
        using var progress = Infrastructure.ProgressDisplay.Start(request.Formula);
        var source = GramSources.Open(request.DataName, schema, request.Parse.GetValue(_table), request.Parse.GetValue(_query), chunkRows);
        LinearMixedModelFit fit;
        try
        {
            var design = source.Accumulate(request.Terms, new DesignOptions { Weights = request.Weights }, cancellationToken);
            fit = LinearMixedModel.Fit(design, new LinearMixedModelOptions
            {
                Progress = progress,
                Criterion = request.MaximumLikelihood ? LmmCriterion.MaximumLikelihood : LmmCriterion.Reml,
                CancellationToken = cancellationToken,
            });
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
        double seconds = clock.Elapsed.TotalSeconds;
        InferenceReport? report;
        try
        {
            report = _inference?.Compute(fit, request.Parse, Console.Error, cancellationToken);
        }
        catch (RowValuesUnavailableException e)
        {
            throw new UsageException($"{e.Message} (asked for by an inference option)");
        }
        var stats = fit.SourceStatistics ?? new GramSourceStatistics();
        if (request.Json)
        {
            JsonOutput.Write(w =>
            {
                LmmJson.WriteProperties(w, fit, seconds);
                w.WriteString("data_source", fit.DataSource);
                w.WriteStartObject("sums");
                w.WriteNumber("passes", stats.Passes);
                w.WriteNumber("queries", stats.Queries);
                w.WriteNumber("bytes_sent", stats.BytesSent);
                w.WriteNumber("bytes_received", stats.BytesReceived);
                w.WriteNumber("rows_received", stats.RowsReceived);
                w.WriteNumber("seconds", stats.Seconds);
                w.WriteEndObject();
                report?.WriteJson(w);
            });
            foreach (var w in fit.Warnings) Console.Error.WriteLine($"mlm: warning: {w}");
            return CliApp.Ok;
        }
        LmmFitBranch.WriteText(fit, style, GramSources.Redact(request.DataName), report);
        Console.Out.Write(string.Create(CultureInfo.InvariantCulture,
            $"Sums over the rows computed from {fit.DataSource}: {Describe(stats)} in {stats.Seconds:F2} s; fit in {seconds - stats.Seconds:F2} s. Fitted values and residuals need the rows and are not computed.\n"));
        return CliApp.Ok;
    }

    private static string Describe(GramSourceStatistics stats) => stats.Queries > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{stats.Queries} queries, {stats.BytesReceived:N0} bytes received ({stats.RowsReceived:N0} result rows)")
        : string.Create(CultureInfo.InvariantCulture, $"{stats.Passes} passes over the file ({stats.BytesReceived:N0} bytes read)");

    /// <summary>Every value given to an option of the command (a repeatable option), by name.</summary>
    private static IEnumerable<string> Tokens(ParseResult parse, string name)
    {
        var option = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name);
        var result = option is null ? null : parse.GetResult(option);
        return result is null ? [] : result.Tokens.Select(t => t.Value);
    }
}
