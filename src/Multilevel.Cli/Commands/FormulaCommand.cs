using System.CommandLine;
using System.Text;
using System.Text.Json;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm formula DATA FORMULA</c>: what a formula means on a data set — the response, the fixed terms in
/// R's <c>terms()</c> order, the random-effects terms in lme4's order (group, columns, number of levels), absorbed
/// factors, the model-matrix column names (R's <c>colnames(model.matrix())</c>) and the rows used and dropped.</summary>
internal static class FormulaCommand
{
    public static Command Create()
    {
        var command = new Command("formula",
            "Show what a formula means on the data: response, fixed terms (R's terms()), random-effects terms (lme4), " +
            "absorbed factors, model-matrix column names, rows used and dropped");
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "an R/lme4 formula, e.g. \"mathach ~ ses * sector + (1 | schoolid)\"" };
        command.Arguments.Add(formula);
        var weights = new Option<string?>("--weights") { Description = "a column of prior weights (rows where it is missing are dropped)", HelpName = "COL" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        command.Options.Add(weights);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            // parse first: a syntax error is reported (exit 2) before the data is read
            var terms = FormulaTerms.Parse(parse.GetValue(formula)!);
            var frame = data.Load(parse);
            var description = Describe(terms, frame, new DesignOptions { Weights = parse.GetValue(weights) });
            if (parse.GetValue(json)) WriteJson(description);
            else Console.Out.Write(Text(description));
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    internal sealed record Description(
        FormulaTerms Terms,
        ModelFrame Frame,
        IReadOnlyList<string> Columns,
        IReadOnlyList<string> Aliased,
        IReadOnlyList<ReTerm> RandomEffects,
        IReadOnlyList<string> Messages);

    /// <summary>Runs the design pipeline step by step (the response may be absent here).</summary>
    internal static Description Describe(FormulaTerms terms, Frame data, DesignOptions options)
    {
        var frame = ModelFrame.Create(terms, data, options);
        var matrix = ModelMatrix.Build(terms.Fixed, frame);
        var messages = new List<string>(frame.Messages);
        bool absorbed = terms.Absorbed.Count > 0;
        var (x, _) = DesignBuilder.FixedEffects(matrix, options, messages, dropIntercept: absorbed);
        var columns = matrix.ColumnNames.Where(c => !(absorbed && c == "(Intercept)")).ToList();
        return new Description(terms, frame, columns, x.AliasedColumns, DesignBuilder.RandomEffects(frame), messages);
    }

    private static string ResponseKind(Response? response) => response switch
    {
        null => "none",
        { Trials: not null } => "binomial counts",
        { Levels: not null } => "factor",
        _ => "numeric",
    };

    internal static string Text(Description d)
    {
        var sb = new StringBuilder();
        var fixedTerms = d.Terms.Fixed;
        var response = d.Frame.Response;
        sb.Append("formula     ").Append(d.Terms.Formula.Text).Append('\n');
        sb.Append("response    ");
        if (response is null) sb.Append("(none: one-sided formula)");
        else
        {
            sb.Append(response.Name).Append(" (").Append(ResponseKind(response));
            if (response.Levels is { } levels) sb.Append($": '{levels[0]}' = 0, {(levels.Count == 2 ? $"'{levels[1]}'" : "other levels")} = 1");
            if (response.Trials is not null) sb.Append(": successes/(successes + failures), with trials as weights");
            sb.Append(')');
        }
        sb.Append('\n');
        sb.Append("intercept   ").Append(fixedTerms.HasIntercept && d.Terms.Absorbed.Count == 0 ? "yes" : d.Terms.Absorbed.Count > 0 ? "absorbed" : "no").Append('\n');
        sb.Append($"fixed terms ({fixedTerms.Terms.Count}, R's terms() order)").Append('\n');
        foreach (var t in fixedTerms.Terms) sb.Append("  ").Append(t.Label).Append('\n');
        if (fixedTerms.Offsets.Count > 0)
        {
            sb.Append("offsets     ").Append(string.Join(", ", fixedTerms.Offsets.Select(o => o.Label))).Append('\n');
        }
        if (d.RandomEffects.Count > 0)
        {
            sb.Append($"random-effects terms ({d.RandomEffects.Count}, lme4's order: most levels first)").Append('\n');
            int groupWidth = Math.Max(5, d.RandomEffects.Max(r => r.GroupName.Length));
            int columnWidth = Math.Max(7, d.RandomEffects.Max(r => string.Join(", ", r.ColumnNames).Length));
            sb.Append("  ").Append("group".PadRight(groupWidth)).Append("  ").Append("columns".PadRight(columnWidth)).Append("  levels\n");
            foreach (var r in d.RandomEffects)
            {
                sb.Append("  ").Append(r.GroupName.PadRight(groupWidth)).Append("  ")
                  .Append(string.Join(", ", r.ColumnNames).PadRight(columnWidth)).Append("  ").Append(r.LevelCount).Append('\n');
            }
        }
        if (d.Terms.Absorbed.Count > 0)
        {
            sb.Append($"absorbed factors ({d.Terms.Absorbed.Count})").Append('\n');
            foreach (var a in d.Terms.Absorbed)
            {
                sb.Append("  ").Append(a.Name).Append("  ").Append(d.Frame.Grouping(a.Name).Levels.Count).Append(" levels\n");
            }
        }
        sb.Append($"model-matrix columns ({d.Columns.Count})").Append('\n');
        foreach (var c in d.Columns)
        {
            sb.Append("  ").Append(c);
            if (d.Aliased.Contains(c)) sb.Append("   (aliased: dropped, R reports NA)");
            sb.Append('\n');
        }
        sb.Append($"rows        {d.Frame.Observations} used, {d.Frame.RowsDropped} dropped (of {d.Frame.RowsInData})").Append('\n');
        foreach (var m in d.Messages) sb.Append("note: ").Append(m).Append('\n');
        return sb.ToString();
    }

    private static void WriteJson(Description d) => JsonOutput.Write(w =>
    {
        var fixedTerms = d.Terms.Fixed;
        var response = d.Frame.Response;
        w.WriteString("formula", d.Terms.Formula.Text);
        if (response is not null)
        {
            w.WriteStartObject("response");
            w.WriteString("name", response.Name);
            w.WriteString("kind", ResponseKind(response));
            if (response.Levels is { } levels) JsonOutput.Strings(w, "levels", levels);
            w.WriteEndObject();
        }
        w.WriteBoolean("intercept", fixedTerms.HasIntercept && d.Terms.Absorbed.Count == 0);
        JsonOutput.Strings(w, "fixed_terms", fixedTerms.Labels);
        JsonOutput.Strings(w, "offsets", fixedTerms.Offsets.Select(o => o.Label));
        w.WriteStartArray("random_effects");
        foreach (var r in d.RandomEffects)
        {
            w.WriteStartObject();
            w.WriteString("group", r.GroupName);
            JsonOutput.Strings(w, "columns", r.ColumnNames);
            w.WriteNumber("levels", r.LevelCount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("absorbed");
        foreach (var a in d.Terms.Absorbed)
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteNumber("levels", d.Frame.Grouping(a.Name).Levels.Count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        JsonOutput.Strings(w, "columns", d.Columns);
        JsonOutput.Strings(w, "aliased", d.Aliased);
        w.WriteNumber("nobs", d.Frame.Observations);
        w.WriteNumber("rows_in_data", d.Frame.RowsInData);
        w.WriteNumber("rows_dropped", d.Frame.RowsDropped);
        JsonOutput.Strings(w, "messages", d.Messages);
    });
}
