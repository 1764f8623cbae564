using System.CommandLine;
using System.Globalization;
using Multilevel.Cli.Commands.Report;
using Multilevel.Formulas;
using Multilevel.Reporting.Figures;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm plot KIND DATA FORMULA [-o file.svg]</c>: one plot of a fitted model as an SVG file.</summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        string kinds = string.Join("; ", FigureKinds.All.Select(k => $"{k.Kind}: {k.Description}"));
        var command = new Command("plot", "Fit a model and write one plot as SVG. KIND is one of — " + kinds);
        var kind = new Argument<string>("KIND") { HelpName = "KIND", Description = "the plot: " + string.Join(", ", FigureKinds.All.Select(k => k.Kind)) };
        kind.AcceptOnlyFromAmong([.. FigureKinds.All.Select(k => k.Kind)]);
        command.Arguments.Add(kind);
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "an R/lme4 formula, e.g. \"mathach ~ ses + (1 | schoolid)\"" };
        command.Arguments.Add(formula);
        var output = new Option<string?>("--output", "-o") { Description = "the SVG file to write (default KIND.svg; '-' for stdout)", HelpName = "PATH" };
        var json = new Option<bool>("--json") { Description = "print one JSON object describing the plot (path, kind, size)" };
        var model = new ModelOptions();
        command.Options.Add(output);
        model.AddTo(command);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            string k = parse.GetValue(kind)!;
            string text = parse.GetValue(formula)!;
            FormulaTerms.Parse(text);
            string dataName = parse.GetValue(data.Data)!;
            var frame = data.Load(parse);
            var fit = model.Fit(parse, dataName, frame, text, ct);
            var figures = fit.Figures(model.FigureOptions(parse, [k]));
            if (figures.Count == 0) throw new ModelSpecificationException(FitFigures.NotApplicable(k, fit.Kind));
            // a model with several random-effects terms has one caterpillar plot per term: the first is written
            var figure = figures[0];
            string svg = figure.Figure.ToSvg();
            string path = parse.GetValue(output) ?? $"{k}.svg";
            if (path == "-")
            {
                if (parse.GetValue(json)) throw new UsageException("-o - writes the SVG to stdout; --json cannot be given with it");
                Console.Out.Write(svg);
                return Task.FromResult(CliApp.Ok);
            }
            ReportCommand.Write(path, svg);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteString("output", Path.GetFullPath(path));
                    w.WriteString("kind", figure.Kind);
                    w.WriteString("title", figure.Figure.Title ?? "");
                    w.WriteString("caption", figure.Caption);
                    w.WriteNumber("width", figure.Figure.Width);
                    w.WriteNumber("height", figure.Figure.Height);
                    w.WriteNumber("bytes", new FileInfo(path).Length);
                    w.WriteString("formula", fit.Formula);
                    w.WriteString("model", fit.Kind);
                    w.WriteNumber("nobs", fit.Observations);
                });
            }
            else
            {
                Console.Out.Write($"wrote {path}: {figure.Figure.Title} ({figure.Figure.Width.ToString(CultureInfo.InvariantCulture)} × {figure.Figure.Height.ToString(CultureInfo.InvariantCulture)})\n");
            }
            if (figures.Count > 1) Console.Error.WriteLine($"mlm: the model has {figures.Count} {k} plots (one per random-effects term); wrote the first. 'mlm report' shows all.");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
