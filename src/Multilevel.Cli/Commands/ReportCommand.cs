using System.CommandLine;
using System.Globalization;
using Multilevel.Cli.Commands.Report;
using Multilevel.Cli.Infrastructure;
using Multilevel.Formulas;
using Multilevel.Reporting.Figures;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm report DATA FORMULA [-o report.html]</c>: fits the model (any kind <c>mlm fit</c> fits) and writes one
/// self-contained HTML file with its summary, tables and every plot that applies.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report",
            "Fit a model and write one self-contained HTML report (no network needed to open it): the summary, coefficient and " +
            "variance tables, and every plot that applies — box plots by group (raw and de-meaned), fitted lines of chosen or " +
            "prototypical groups, the total/between/within/random-effects lines, caterpillar plot, density and rug of the random " +
            "effects, shrinkage, residuals vs fitted, normal QQ");
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "an R/lme4 formula, e.g. \"mathach ~ ses + (1 | schoolid)\"" };
        command.Arguments.Add(formula);
        var output = new Option<string>("--output", "-o") { Description = "the HTML file to write ('-' for stdout)", HelpName = "PATH", DefaultValueFactory = _ => "report.html" };
        var title = new Option<string?>("--title") { Description = "the report's title (default: the formula)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "print one JSON object describing the report (path, model, figures)" };
        var model = new ModelOptions();
        command.Options.Add(output);
        model.AddTo(command);
        command.Options.Add(title);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            string text = parse.GetValue(formula)!;
            FormulaTerms.Parse(text);
            string path = parse.GetValue(output)!;
            if (path == "-" && parse.GetValue(json)) throw new UsageException("-o - writes the HTML to stdout; --json cannot be given with it");
            string dataName = parse.GetValue(data.Data)!;
            var frame = data.Load(parse);
            var fit = model.Fit(parse, dataName, frame, text, ct);
            var figures = fit.Figures(model.FigureOptions(parse, null));
            var report = FitReport.Build(parse.GetValue(title) ?? fit.Formula, Subtitle(dataName, fit), fit.Summary,
                fit.Kind.StartsWith("linear mixed", StringComparison.Ordinal) || fit.Kind.StartsWith("generalized linear mixed", StringComparison.Ordinal) ? "Summary (lme4's layout)" : "Summary (statsmodels' layout)",
                fit.Tables, [.. fit.Messages, .. fit.Warnings.Select(w => "Warning: " + w)], figures,
                $"Made by {VersionAction.Text} with: mlm report {dataName} \"{text}\".");
            ct.ThrowIfCancellationRequested();
            if (path == "-")
            {
                Console.Out.Write(report.ToHtml());
                foreach (var w in fit.Warnings) Console.Error.WriteLine($"mlm: warning: {w}");
                return Task.FromResult(CliApp.Ok);
            }
            Write(path, report.ToHtml());
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteString("output", Path.GetFullPath(path));
                    w.WriteNumber("bytes", new FileInfo(path).Length);
                    w.WriteString("formula", fit.Formula);
                    w.WriteString("model", fit.Kind);
                    w.WriteString("method", fit.Method);
                    w.WriteNumber("nobs", fit.Observations);
                    w.WriteNumber("rows_dropped", fit.RowsDropped);
                    w.WriteStartArray("figures");
                    foreach (var f in figures)
                    {
                        w.WriteStartObject();
                        w.WriteString("kind", f.Kind);
                        w.WriteString("title", f.Figure.Title ?? "");
                        w.WriteString("caption", f.Caption);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    JsonOutput.Strings(w, "warnings", fit.Warnings);
                });
            }
            else
            {
                Console.Out.Write($"wrote {path}: {fit.Kind}, {fit.Observations} rows; {figures.Count} figures ({string.Join(", ", figures.Select(f => f.Kind).Distinct())})\n");
            }
            foreach (var w in fit.Warnings) Console.Error.WriteLine($"mlm: warning: {w}");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    internal static string Subtitle(string dataName, ReportedModel fit)
    {
        string groups = fit.Groupings.Count == 0 ? "" : "; " + string.Join(", ", fit.Groupings.Select(g => $"{g.Levels.ToString(CultureInfo.InvariantCulture)} levels of {g.Group}"));
        string dropped = fit.RowsDropped > 0 ? $" ({fit.RowsDropped} dropped for missing values)" : "";
        return $"data {dataName}: {fit.Kind}, {fit.Observations} rows{dropped}{groups}";
    }

    /// <summary>Writes the file (atomically: a cancelled or failed write leaves no half file).</summary>
    internal static void Write(string path, string content)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new UsageException($"-o {path}: the directory {dir} does not exist");
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temp, content, new System.Text.UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }
}
