using System.CommandLine;
using System.Text;
using System.Text.Json;
using Multilevel.Cli.Commands.Inference;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm compare DATA FORMULA1 FORMULA2 … [--json]</c>: lme4's <c>anova()</c> table (AIC, BIC, logLik, deviance)
/// with likelihood-ratio tests between consecutive models (ML refits when the fixed effects differ, with a note;
/// the boundary-corrected p when a test adds one variance), and the variance decomposition of the mixed models:
/// each model's variance components, ICC, and the proportional reduction (σ²₀ − σ²₁)/σ²₀ of each against the first.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var command = new Command("compare",
            "Compare nested models fitted to the same rows: AIC/BIC/logLik/deviance table and likelihood-ratio tests as lme4's anova " +
            "(REML fits refitted by ML when the fixed effects differ; boundary-corrected p for a variance = 0), and the variance " +
            "decomposition: between/within variance, ICC, proportional reduction in each variance against the first model");
        var data = new DataOptions();
        data.AddTo(command);
        var formulas = DataOptions.ColumnsArgument("FORMULA", "two or more formulas, e.g. \"mathach ~ 1 + (1|schoolid)\" \"mathach ~ ses + (1|schoolid)\"; one without random effects enters as OLS", new ArgumentArity(2, 100));
        command.Arguments.Add(formulas);
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var ml = new Option<bool>("--ml") { Description = "fit the mixed models by ML (default REML, refitted by ML for the tests when the fixed effects differ)" };
        var refit = new Option<string>("--refit") { Description = "when to refit REML fits by ML: auto (when the fixed effects differ; default), always (lme4's anova default), never", DefaultValueFactory = _ => "auto", HelpName = "WHEN" };
        var weights = new Option<string?>("--weights") { Description = "a column of prior weights", HelpName = "COL" };
        command.Options.Add(json);
        command.Options.Add(ml);
        command.Options.Add(refit);
        command.Options.Add(weights);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var texts = parse.GetValue(formulas)!;
            foreach (var t in texts) FormulaTerms.Parse(t);   // syntax errors first (exit 2)
            var policy = parse.GetValue(refit)!.ToLowerInvariant() switch
            {
                "auto" => RefitPolicy.WhenFixedEffectsDiffer,
                "always" => RefitPolicy.Always,
                "never" => RefitPolicy.Never,
                var other => throw new UsageException($"--refit '{other}': use auto, always or never"),
            };
            var frame = data.Load(parse);
            var designs = texts.Select(t => ModelInputs.Linear(t, frame, parse.GetValue(weights))).ToList();
            var criterion = parse.GetValue(ml) ? LmmCriterion.MaximumLikelihood : LmmCriterion.Reml;
            var result = ModelComparison.Compare(designs, criterion, policy, cancellation);
            var decomposition = Decompose(result);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w => WriteJson(w, result, decomposition, designs));
            }
            else
            {
                Console.Out.Write(Text(parse.GetValue(data.Data)!, result, decomposition));
                foreach (var m in designs.SelectMany(d => d.Messages).Distinct()) Console.Error.WriteLine($"mlm: {m}");
            }
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    /// <summary>The decomposition of each mixed model (in table order) and its reductions against the first mixed model.</summary>
    internal sealed record Decomposition(int Model, LinearMixedModelFit Fit, VarianceDecompositionResult Shares, IReadOnlyList<VarianceReductionRow>? Reduction);

    internal static List<Decomposition> Decompose(ModelComparisonResult result)
    {
        var list = new List<Decomposition>();
        LinearMixedModelFit? baseline = null;
        for (int i = 0; i < result.Fits.Count; i++)
        {
            if (result.Fits[i] is not { } fit) continue;
            var shares = VarianceDecomposition.Compute(fit);
            list.Add(new Decomposition(i, fit, shares, baseline is null ? null : VarianceReduction.Compare(baseline, fit)));
            baseline ??= fit;
        }
        return list;
    }

    internal static string Text(string data, ModelComparisonResult result, List<Decomposition> decomposition)
    {
        var sb = new StringBuilder();
        sb.Append("Data: ").Append(data).Append('\n').Append("Models:\n");
        for (int i = 0; i < result.Models.Count; i++) sb.Append($"MODEL{i + 1}: {result.Models[i].Formula}\n");
        var rows = new List<IReadOnlyList<string>>();
        for (int i = 0; i < result.Models.Count; i++)
        {
            var m = result.Models[i];
            var t = i > 0 ? result.Tests[i - 1] : null;
            rows.Add([
                $"MODEL{i + 1}", m.DegreesOfFreedom.ToString(System.Globalization.CultureInfo.InvariantCulture), TextFormat.Fixed(m.Aic, 1), TextFormat.Fixed(m.Bic, 1),
                TextFormat.Fixed(m.LogLikelihood, 2), TextFormat.Fixed(m.Deviance, 2),
                t is null ? "" : TextFormat.Significant(t.ChiSquare, 5), t is null ? "" : t.DegreesOfFreedom.ToString(System.Globalization.CultureInfo.InvariantCulture),
                t is null ? "" : TextFormat.PValue(t.P), t is null ? "" : TextFormat.Stars(t.P),
            ]);
        }
        sb.Append(TextFormat.Table(["", "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)", ""], rows));
        sb.Append("---\n").Append(TextFormat.StarLegend).Append('\n');
        var kinds = result.Models.Select(m => m.Refitted ? "ML (refitted from REML)" : m.Method).Distinct().ToList();
        sb.Append(kinds.Count == 1 ? $"Likelihood: {kinds[0]}\n" : $"Likelihoods: {string.Join(", ", result.Models.Select((m, i) => $"MODEL{i + 1} {(m.Refitted ? "ML (refitted from REML)" : m.Method)}"))}\n");
        foreach (var n in result.Notes) sb.Append("Note: ").Append(n).Append('\n');
        foreach (var t in result.Tests.Where(t => t.BoundaryP is not null))
        {
            sb.Append($"MODEL{t.From + 1} vs MODEL{t.To + 1}: boundary-corrected p = {TextFormat.PValue(t.BoundaryP!.Value)} {TextFormat.Stars(t.BoundaryP.Value)}\n");
            sb.Append("  ").Append(t.BoundaryNote).Append('\n');
        }
        if (decomposition.Count > 0) sb.Append('\n').Append(DecompositionText(decomposition));
        return sb.ToString();
    }

    private static string DecompositionText(List<Decomposition> decomposition)
    {
        var sb = new StringBuilder();
        var method = decomposition.Select(d => d.Fit.Method).Distinct().Single();
        sb.Append($"Variance decomposition ({method} fits; ICC as performance::icc):\n");
        // one column per variance (not covariance) row of any model, residual last
        var keys = decomposition.SelectMany(d => d.Fit.VarCorr.Where(v => !v.IsCovariance && !v.IsResidual).Select(v => (v.Group, v.Name1))).Distinct().ToList();
        var header = new List<string> { "" };
        header.AddRange(keys.Select(k => k.Name1 == "(Intercept)" ? k.Group : $"{k.Group}:{k.Name1}"));
        header.AddRange(["Residual", "ICC adj.", "ICC cond.", "R2 marg.", "R2 cond."]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var d in decomposition)
        {
            var row = new List<string> { $"MODEL{d.Model + 1}" };
            foreach (var k in keys)
            {
                var v = d.Fit.VarCorr.FirstOrDefault(c => !c.IsCovariance && c.Group == k.Group && c.Name1 == k.Name1);
                row.Add(v is null ? "" : TextFormat.Significant(v.VarianceOrCovariance, 5));
            }
            row.Add(TextFormat.Significant(d.Fit.Sigma * d.Fit.Sigma, 5));
            row.AddRange([TextFormat.Fixed(d.Shares.IccAdjusted, 4), TextFormat.Fixed(d.Shares.IccConditional, 4), TextFormat.Fixed(d.Shares.R2Marginal, 4), TextFormat.Fixed(d.Shares.R2Conditional, 4)]);
            rows.Add(row);
        }
        sb.Append(TextFormat.Table(header, rows));
        var reduced = decomposition.Where(d => d.Reduction is not null).ToList();
        if (reduced.Count > 0)
        {
            int baseModel = decomposition[0].Model + 1;
            sb.Append($"\nProportional reduction in variance against MODEL{baseModel}, (σ²₀ − σ²₁)/σ²₀ (Raudenbush and Bryk's pseudo-R²;\n");
            sb.Append("the tutorial's code computes σ²₀ − σ²₁/σ²₀ by operator precedence, which is not a proportion):\n");
            var levels = reduced.SelectMany(d => d.Reduction!.Select(r => (r.Level, r.Name))).Distinct().ToList();
            var h2 = new List<string> { "" };
            h2.AddRange(levels.Select(l => l.Name is null ? "Residual (within)" : l.Name == "(Intercept)" ? $"{l.Level} (between)" : $"{l.Level}:{l.Name}"));
            var rows2 = new List<IReadOnlyList<string>>();
            foreach (var d in reduced)
            {
                var row = new List<string> { $"MODEL{d.Model + 1}" };
                foreach (var l in levels)
                {
                    var r = d.Reduction!.FirstOrDefault(x => x.Level == l.Level && x.Name == l.Name);
                    row.Add(r is null ? "" : TextFormat.Fixed(r.ProportionalReduction, 4));
                }
                rows2.Add(row);
            }
            sb.Append(TextFormat.Table(h2, rows2));
        }
        return sb.ToString();
    }

    private static void WriteJson(Utf8JsonWriter w, ModelComparisonResult result, List<Decomposition> decomposition, List<Multilevel.Design.ModelDesign> designs)
    {
        w.WriteStartArray("models");
        foreach (var m in result.Models)
        {
            w.WriteStartObject();
            w.WriteString("formula", m.Formula);
            w.WriteString("method", m.Method);
            w.WriteNumber("logLik", m.LogLikelihood);
            w.WriteNumber("df", m.DegreesOfFreedom);
            w.WriteNumber("AIC", m.Aic);
            w.WriteNumber("BIC", m.Bic);
            w.WriteNumber("deviance", m.Deviance);
            w.WriteBoolean("refitted", m.Refitted);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("refit_ml", result.RefitMl);
        w.WriteNumber("nobs", designs[0].Observations);
        w.WriteNumber("rows_dropped", designs[0].RowsDropped);
        w.WriteStartArray("tests");
        foreach (var t in result.Tests)
        {
            w.WriteStartObject();
            w.WriteNumber("from", t.From);
            w.WriteNumber("to", t.To);
            w.WriteNumber("chisq", t.ChiSquare);
            w.WriteNumber("df", t.DegreesOfFreedom);
            JsonOutput.Number(w, "p", t.P);
            if (t.BoundaryP is { } bp)
            {
                w.WriteNumber("boundary_p", bp);
                w.WriteString("boundary_note", t.BoundaryNote);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (result.Tests.Count == 1)
        {
            var t = result.Tests[0];
            w.WriteNumber("chisq", t.ChiSquare);
            w.WriteNumber("df", t.DegreesOfFreedom);
            JsonOutput.Number(w, "p", t.P);
            if (t.BoundaryP is { } bp) w.WriteNumber("boundary_p", bp);
        }
        JsonOutput.Strings(w, "notes", result.Notes);
        w.WriteStartArray("variance_decomposition");
        foreach (var d in decomposition)
        {
            w.WriteStartObject();
            w.WriteNumber("model", d.Model);
            w.WriteString("formula", d.Fit.Formula);
            w.WriteString("method", d.Fit.Method);
            w.WriteStartArray("varcorr");
            foreach (var v in d.Fit.VarCorr.Where(v => !v.IsCovariance))
            {
                w.WriteStartObject();
                w.WriteString("group", v.Group);
                if (v.Name1 is null) w.WriteNull("var1");
                else w.WriteString("var1", v.Name1);
                w.WriteNumber("vcov", v.VarianceOrCovariance);
                w.WriteNumber("sdcor", v.StandardDeviationOrCorrelation);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            JsonOutput.Number(w, "icc_adjusted", d.Shares.IccAdjusted);
            JsonOutput.Number(w, "icc_conditional", d.Shares.IccConditional);
            JsonOutput.Number(w, "r2_marginal", d.Shares.R2Marginal);
            JsonOutput.Number(w, "r2_conditional", d.Shares.R2Conditional);
            if (d.Reduction is { } red)
            {
                w.WriteStartArray("variance_reduction");
                foreach (var r in red)
                {
                    w.WriteStartObject();
                    w.WriteString("group", r.Level);
                    if (r.Name is null) w.WriteNull("var1");
                    else w.WriteString("var1", r.Name);
                    w.WriteNumber("baseline", r.BaselineVariance);
                    w.WriteNumber("model", r.ModelVariance);
                    JsonOutput.Number(w, "proportional_reduction", r.ProportionalReduction);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
