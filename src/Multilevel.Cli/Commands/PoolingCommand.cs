using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Multilevel.Cli.Infrastructure;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models.Glm;
using Multilevel.Reporting;
using Multilevel.Reporting.Pooling;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm pooling DATA FORMULA --group G [--family F] [--link L] [--json]</c>: the slides' comparison in one command —
/// full pooling, no pooling, between, fixed effects (within), random intercepts, random intercepts and slopes and the
/// Mundlak model side by side, with the ICC, the Hausman test and what they mean.
/// </summary>
internal static class PoolingCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var command = new Command("pooling",
            "Compare full pooling (OLS), no pooling (one regression per group), the between and within (fixed-effects) " +
            "estimators, random intercepts, random intercepts and slopes, and the Mundlak model on the same rows: each " +
            "predictor's estimate and standard error, the between- and within-group variances, the ICC, the Hausman test " +
            "and what it means. With --family binomial: GLM, per-group logits, the dummy-variable (fixed-effects) logit and GLMMs");
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "the model without the group, e.g. \"mathach ~ ses\"" };
        command.Arguments.Add(formula);
        var group = new Option<string>("--group", "-g") { Description = "the grouping column (schools, states, subjects)", HelpName = "G", Required = true };
        var family = new Option<string?>("--family") { Description = "gaussian (default), binomial or poisson", HelpName = "FAMILY" };
        var link = new Option<string?>("--link") { Description = "link function (default: the family's canonical link)", HelpName = "LINK" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        command.Options.Add(group);
        command.Options.Add(family);
        command.Options.Add(link);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            string text = parse.GetValue(formula)!;
            FormulaTerms.Parse(text);
            var (fam, lnk) = FamilyOptions.Parse(parse.GetValue(family), parse.GetValue(link));
            var frame = data.Load(parse);
            string g = parse.GetValue(group)!;
            using var progress = ProgressDisplay.Start($"the pooling models of {text} by {g}");
            var result = PoolingComparison.Compare(text, frame, g, new PoolingComparisonOptions
            {
                Family = fam,
                Link = lnk,
                Progress = progress,
                CancellationToken = ct,
            });
            progress?.Dispose();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w => WriteJson(w, result));
                foreach (var warning in result.Warnings) Console.Error.WriteLine($"mlm: warning: {warning}");
            }
            else
            {
                Console.Out.Write(Text(result, parse.GetValue(data.Data)!));
            }
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    /// <summary>The comparison as text: the table of models, the no-pooling distribution, ICC, tests, reading, notes.</summary>
    internal static string Text(PoolingComparisonResult r, string dataName, int? width = null)
    {
        var sb = new StringBuilder();
        string fam = r.Family == "gaussian" ? "" : $", {r.Family} ({r.Link})";
        sb.Append($"Pooling comparison: {r.Formula}, grouped by {r.Group}{fam}\n");
        sb.Append($"Data: {dataName}: {r.Observations} rows in {r.Groups} groups of {r.Group}");
        if (r.RowsDropped > 0) sb.Append($" ({r.RowsDropped} rows with missing values left out)");
        sb.Append("\n\n");

        var headers = new List<string> { "Model", "Method" };
        headers.AddRange(r.Terms.Select(t => $"{t} (se)"));
        bool latent = r.NullIcc.Scale == "latent";
        headers.Add("Var between");
        headers.Add(r.Family == "gaussian" ? "Var within" : latent ? "Var within (latent)" : "Var within");
        headers.Add("ICC");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var m in r.Models)
        {
            var row = new List<string> { m.Name, m.Method };
            foreach (var t in r.Terms)
            {
                var e = m.Estimates.FirstOrDefault(x => x.Term == t);
                if (e is null || !double.IsFinite(e.Estimate)) row.Add("—");
                else if (m.Key == "no_pooling") row.Add($"{Num(e.Estimate)} [SD {Num(e.StandardError)}]");
                else row.Add($"{Num(e.Estimate)} ({Num(e.StandardError)})");
            }
            row.Add(Opt(m.BetweenVariance));
            row.Add(Opt(m.WithinVariance));
            row.Add(double.IsFinite(m.Icc) ? m.Icc.ToString("F3", Inv) : "");
            rows.Add(row);
        }
        sb.Append(SpectreText.Render(SpectreText.Table(headers, rows, [1]), width)).Append('\n');
        int note = 0;
        foreach (var m in r.Models.Where(m => m.Note is not null)) sb.Append($"{(++note).ToString(Inv)}. {m.Name}: {m.Note}\n");
        sb.Append('\n');

        if (r.GroupSlopes.Count > 0)
        {
            sb.Append($"No pooling: the {r.NoPooling.Groups.Count} {r.Group}s' own estimates");
            if (r.NoPooling.Skipped.Count > 0) sb.Append($" ({r.NoPooling.Skipped.Count} {r.Group}s could not be fitted)");
            sb.Append('\n');
            var srows = r.GroupSlopes.Select(s => (IReadOnlyList<string>)[s.Term, s.Groups.ToString(Inv), Num(s.Mean), Num(s.StandardDeviation), Num(s.Min), Num(s.Q25), Num(s.Median), Num(s.Q75), Num(s.Max)]).ToList();
            sb.Append(SpectreText.Render(SpectreText.Table(["", "groups", "mean", "SD", "min", "25%", "median", "75%", "max"], srows), width)).Append('\n');
        }

        var icc = r.NullIcc;
        if (double.IsFinite(icc.Icc))
        {
            string ci = double.IsFinite(icc.Lower) ? $", 95% profile CI [{icc.Lower.ToString("F4", Inv)}, {icc.Upper.ToString("F4", Inv)}]" : "";
            string scale = icc.Scale == "latent" ? " on the latent scale" : "";
            sb.Append($"ICC of the null model ({PoolingComparisonLhs(r.Formula)} ~ 1 + (1 | {r.Group})){scale}: {icc.Icc.ToString("F4", Inv)}{ci}\n");
            sb.Append($"  between-group variance {Num(icc.BetweenVariance)}, within-group variance {Num(icc.WithinVariance)}: ICC = between / (between + within)\n\n");
        }

        if (r.Hausman is not null)
        {
            sb.Append("Hausman test (H0: the group effects are uncorrelated with the predictors; fixed effects vs random effects)\n");
            var hrows = new List<IReadOnlyList<string>>();
            foreach (var (name, t) in new[] { ("REML (the table's)", r.Hausman), ("Swamy-Arora (plm)", r.HausmanSwamyArora) })
            {
                if (t is null) continue;
                string label = name;
                foreach (var x in t.Terms)
                {
                    hrows.Add([label, x.Term, Num(x.Fe), Num(x.FeSe), Num(x.Re), Num(x.ReSe), Num(x.Fe - x.Re), t.ChiSquared.ToString("F4", Inv), t.Df.ToString(Inv), PValue(t.PValue)]);
                    label = "";
                }
            }
            sb.Append(SpectreText.Render(SpectreText.Table(["random effects", "term", "FE", "se", "RE", "se", "FE − RE", "chisq", "df", "p"], hrows, [1]), width)).Append('\n');
        }
        if (r.Mundlak is { } mu)
        {
            sb.Append("Mundlak test (H0: the coefficients of the group means are 0): ");
            sb.Append(string.Join(", ", mu.Terms.Select(a => $"{a.Term} = {Num(a.Estimate)} ({Num(a.StandardError)})")));
            sb.Append($"; Wald chisq = {mu.ChiSquared.ToString("F4", Inv)}, df = {mu.Df}, {PEq(mu.PValue)}\n");
        }
        if (r.Slopes is { } s)
        {
            sb.Append($"Random slopes (H0: the slopes do not vary between groups): LRT chisq = {s.ChiSquare.ToString("F4", Inv)}, df = {s.Df}, " +
                      $"{PEq(s.P)}, boundary-corrected {PEq(s.BoundaryP)}\n");
        }
        sb.Append("\nWhat it means:\n");
        foreach (var line in r.Reading) sb.Append("  • ").Append(line).Append('\n');
        if (r.Notes.Count > 0)
        {
            sb.Append("\nNotes:\n");
            foreach (var n in r.Notes) sb.Append("  - ").Append(n).Append('\n');
        }
        foreach (var w in r.Warnings) sb.Append("warning: ").Append(w).Append('\n');
        return sb.ToString();
    }

    private static string PoolingComparisonLhs(string formula)
    {
        int t = formula.IndexOf('~', StringComparison.Ordinal);
        return t < 0 ? formula : formula[..t].Trim();
    }

    internal static void WriteJson(Utf8JsonWriter w, PoolingComparisonResult r)
    {
        w.WriteString("formula", r.Formula);
        w.WriteString("group", r.Group);
        w.WriteString("family", r.Family);
        w.WriteString("link", r.Link);
        w.WriteNumber("nobs", r.Observations);
        w.WriteNumber("groups", r.Groups);
        w.WriteNumber("rows_dropped", r.RowsDropped);
        JsonOutput.Strings(w, "terms", r.Terms);
        w.WriteStartArray("models");
        foreach (var m in r.Models)
        {
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteString("name", m.Name);
            w.WriteString("method", m.Method);
            w.WriteString("formula", m.Formula);
            w.WriteStartObject("estimates");
            foreach (var e in m.Estimates)
            {
                w.WriteStartObject(e.Term);
                JsonOutput.Number(w, "estimate", e.Estimate);
                JsonOutput.Number(w, m.Key == "no_pooling" ? "sd" : "se", e.StandardError);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            JsonOutput.Number(w, "var_between", m.BetweenVariance);
            JsonOutput.Number(w, "var_within", m.WithinVariance);
            JsonOutput.Number(w, "icc", m.Icc);
            if (m.Note is not null) w.WriteString("note", m.Note);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("no_pooling");
        w.WriteNumber("groups_fitted", r.NoPooling.Groups.Count);
        w.WriteNumber("groups_skipped", r.NoPooling.Skipped.Count);
        w.WriteStartArray("skipped");
        foreach (var s in r.NoPooling.Skipped)
        {
            w.WriteStartObject();
            w.WriteString("level", s.Level);
            w.WriteNumber("rows", s.Observations);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("terms");
        foreach (var s in r.GroupSlopes)
        {
            w.WriteStartObject(s.Term);
            w.WriteNumber("groups", s.Groups);
            JsonOutput.Number(w, "mean", s.Mean);
            JsonOutput.Number(w, "sd", s.StandardDeviation);
            JsonOutput.Number(w, "min", s.Min);
            JsonOutput.Number(w, "q25", s.Q25);
            JsonOutput.Number(w, "median", s.Median);
            JsonOutput.Number(w, "q75", s.Q75);
            JsonOutput.Number(w, "max", s.Max);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("icc_null");
        JsonOutput.Number(w, "icc", r.NullIcc.Icc);
        JsonOutput.Number(w, "lower", r.NullIcc.Lower);
        JsonOutput.Number(w, "upper", r.NullIcc.Upper);
        JsonOutput.Number(w, "var_between", r.NullIcc.BetweenVariance);
        JsonOutput.Number(w, "var_within", r.NullIcc.WithinVariance);
        w.WriteString("scale", r.NullIcc.Scale);
        w.WriteEndObject();
        if (r.Hausman is not null) WriteHausman(w, "hausman", r.Hausman);
        if (r.HausmanSwamyArora is not null) WriteHausman(w, "hausman_swamy_arora", r.HausmanSwamyArora);
        if (r.Mundlak is { } mu)
        {
            w.WriteStartObject("mundlak");
            JsonOutput.Number(w, "chisq", mu.ChiSquared);
            w.WriteNumber("df", mu.Df);
            JsonOutput.Number(w, "p", mu.PValue);
            w.WriteStartObject("terms");
            foreach (var (term, est, se) in mu.Terms)
            {
                w.WriteStartObject(term);
                JsonOutput.Number(w, "estimate", est);
                JsonOutput.Number(w, "se", se);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (r.Slopes is { } sl)
        {
            w.WriteStartObject("random_slopes_test");
            JsonOutput.Number(w, "chisq", sl.ChiSquare);
            w.WriteNumber("df", sl.Df);
            JsonOutput.Number(w, "p", sl.P);
            JsonOutput.Number(w, "boundary_p", sl.BoundaryP);
            w.WriteEndObject();
        }
        JsonOutput.Strings(w, "reading", r.Reading);
        JsonOutput.Strings(w, "notes", r.Notes);
        JsonOutput.Strings(w, "warnings", r.Warnings);
    }

    private static void WriteHausman(Utf8JsonWriter w, string name, HausmanTest t)
    {
        w.WriteStartObject(name);
        JsonOutput.Number(w, "chisq", t.ChiSquared);
        w.WriteNumber("df", t.Df);
        JsonOutput.Number(w, "p", t.PValue);
        w.WriteString("re_estimator", t.ReEstimator);
        w.WriteStartObject("terms");
        foreach (var x in t.Terms)
        {
            w.WriteStartObject(x.Term);
            JsonOutput.Number(w, "fe", x.Fe);
            JsonOutput.Number(w, "fe_se", x.FeSe);
            JsonOutput.Number(w, "re", x.Re);
            JsonOutput.Number(w, "re_se", x.ReSe);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        JsonOutput.Strings(w, "notes", t.Notes);
        w.WriteEndObject();
    }

    private static string Num(double v)
    {
        if (!double.IsFinite(v)) return "—";
        double a = Math.Abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) return v.ToString("0.###e+0", Inv);
        return v.ToString(a >= 100 ? "F2" : "F4", Inv);
    }

    private static string Opt(double v) => double.IsFinite(v) ? Num(v) : "";

    private static string PEq(double p) => p < 2.2e-16 ? "p < 2.2e-16" : $"p = {PValue(p)}";

    private static string PValue(double p) => !double.IsFinite(p) ? "—" : p < 2.2e-16 ? "< 2.2e-16" : CFormat.G(p, 4);
}

/// <summary>Parses <c>--family</c> and <c>--link</c> (shared by pooling, report and plot).</summary>
internal static class FamilyOptions
{
    /// <summary>The family (null for gaussian/none) and link (null for the default).</summary>
    public static (GlmFamily? Family, GlmLink? Link) Parse(string? family, string? link)
    {
        GlmFamily? f = null;
        if (family is not null)
        {
            f = GlmFamily.FromName(family) ?? throw new UsageException($"--family '{family}': use gaussian, binomial or poisson");
            if (f.Name == "gaussian") f = null;
        }
        GlmLink? l = null;
        if (link is not null)
        {
            l = GlmLink.FromName(link) ?? throw new UsageException($"--link '{link}': use logit, probit, cloglog, log or identity");
            if (f is null && l.Name != "identity") throw new UsageException($"--link {l.Name} needs --family binomial or poisson");
            if (f is { Name: "binomial" } && l.Name is not ("logit" or "probit" or "cloglog")) throw new UsageException($"--link {l.Name} does not suit --family binomial: use logit, probit or cloglog");
            if (f is { Name: "poisson" } && l.Name is not ("log" or "identity")) throw new UsageException($"--link {l.Name} does not suit --family poisson: use log");
        }
        return (f, l);
    }
}
