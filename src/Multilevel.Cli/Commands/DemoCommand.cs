using System.CommandLine;
using System.Text.Json;
using Multilevel.Cli.Commands.Demo;
using Multilevel.Cli.Infrastructure;
using Multilevel.Models;
using Multilevel.Reporting.Html;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm demo [-o mlm-demo.html] [--json]</c>: the statsmodels tutorial on the High School and Beyond data, run on
/// the built-in <c>hsb</c> from the description to the sector × SES interaction; text on stdout, the plots in one
/// self-contained HTML report.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo",
            "Walk through the High School and Beyond tutorial on the built-in hsb data: description, within and between variation, " +
            "OLS of students and of school means, fixed effects, random intercepts, the ICC (from the model, with an interval), sector " +
            "and the sector × SES interaction, likelihood-ratio tests, prototypical schools. Text on stdout; the tutorial's plots " +
            "(and the mixed model's) in one HTML file");
        var output = new Option<string>("--output", "-o") { Description = "the HTML report to write", HelpName = "PATH", DefaultValueFactory = _ => "mlm-demo.html" };
        var json = new Option<bool>("--json") { Description = "print the key figures as one JSON object instead of the text (the report is still written)" };
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            string path = parse.GetValue(output)!;
            if (path == "-") throw new UsageException("-o -: the demo prints its walk-through on stdout; give a file for the HTML report");
            bool asJson = parse.GetValue(json);
            var report = new HtmlReport("High School and Beyond: fixed and random effects")
            {
                Subtitle = "The statsmodels tutorial by J. Nathan Matias (2015), run by mlm demo on the built-in data set hsb (7,185 students, 160 schools)",
            };
            var text = asJson ? TextWriter.Null : Console.Out;
            DemoFigures figures;
            using (var progress = ProgressDisplay.Start("the tutorial's models"))
            {
                figures = HsbTutorial.Run(text, report, progress, ct);
            }
            report.Section("About this report").Paragraph($"Made by {VersionAction.Text} with: mlm demo. Every number in it comes from a fit made by mlm.");
            ct.ThrowIfCancellationRequested();
            ReportCommand.Write(path, report.ToHtml());
            if (asJson) JsonOutput.Write(w => WriteJson(w, figures, path));
            else Console.Out.Write($"\nReport: {path} ({figures.Figures} figures). Open it in a browser; it needs no network.\n");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static void WriteJson(Utf8JsonWriter w, DemoFigures f, string path)
    {
        w.WriteString("data", "hsb");
        w.WriteString("output", Path.GetFullPath(path));
        w.WriteNumber("figures", f.Figures);
        Params(w, "ols_students", f.Students);
        Params(w, "ols_school_means", f.SchoolMeans);
        Params(w, "fe_school_mean_covariate", f.SchoolMeanCovariate);
        Params(w, "fe_demeaned", f.Demeaned);
        w.WriteNumber("within_slope", f.WithinSlope);
        w.WriteNumber("within_slope_se", f.WithinSlopeSe);
        w.WriteStartArray("mixed_models");
        foreach (var m in new[] { f.Null, f.RandomIntercept, f.Sector, f.Interaction })
        {
            w.WriteStartObject();
            w.WriteString("formula", m.Formula);
            w.WriteString("method", m.Method);
            w.WriteNumber("logLik", m.LogLikelihood);
            w.WriteNumber("scale", m.Sigma * m.Sigma);
            w.WriteStartObject("fixef");
            for (int j = 0; j < m.FixedEffectNames.Count; j++)
            {
                w.WriteStartObject(m.FixedEffectNames[j]);
                w.WriteNumber("estimate", m.FixedEffects[j]);
                w.WriteNumber("se", m.StandardErrors[j]);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteNumber("var_between", m.VarCorr.First(v => !v.IsResidual && !v.IsCovariance).VarianceOrCovariance);
            w.WriteNumber("var_within", m.Sigma * m.Sigma);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        double tau = f.Null.VarCorr.First(v => !v.IsResidual).VarianceOrCovariance, s2 = f.Null.Sigma * f.Null.Sigma;
        w.WriteStartObject("icc_null");
        w.WriteNumber("icc", tau / (tau + s2));
        if (f.NullIccInterval is { } ci)
        {
            JsonOutput.Number(w, "lower", ci.Lower);
            JsonOutput.Number(w, "upper", ci.Upper);
        }
        var t = f.RandomInterceptTest.Tests[0];
        w.WriteNumber("lrt_chisq", t.ChiSquare);
        if (t.BoundaryP is { } bp) w.WriteNumber("lrt_boundary_p", bp);
        w.WriteEndObject();
        w.WriteStartArray("variance_reduction");
        foreach (var (model, rows) in f.Reductions)
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            foreach (var r in rows)
            {
                JsonOutput.Number(w, r.Name is null ? "within" : "between", r.ProportionalReduction);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("lrt");
        foreach (var test in f.Comparison.Tests)
        {
            w.WriteStartObject();
            w.WriteString("from", f.Comparison.Models[test.From].Formula);
            w.WriteString("to", f.Comparison.Models[test.To].Formula);
            w.WriteNumber("chisq", test.ChiSquare);
            w.WriteNumber("df", test.DegreesOfFreedom);
            JsonOutput.Number(w, "p", test.P);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("prototypical_schools");
        w.WriteString("public", f.Prototypical.Public);
        w.WriteNumber("public_mean_ses", f.Prototypical.PublicSes);
        w.WriteString("catholic", f.Prototypical.Catholic);
        w.WriteNumber("catholic_mean_ses", f.Prototypical.CatholicSes);
        w.WriteEndObject();
    }

    private static void Params(Utf8JsonWriter w, string name, Dictionary<string, double> values)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in values) w.WriteNumber(k, v);
        w.WriteEndObject();
    }
}
