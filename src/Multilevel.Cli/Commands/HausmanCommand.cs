using System.CommandLine;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Reporting;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm hausman DATA FORMULA --group G [--re swar|reml|both] [--json]</c>: the Hausman test of random
/// against fixed group effects (within estimator vs Swamy–Arora GLS, as plm's <c>phtest</c>, and vs lme4's REML
/// estimate), each with its Mundlak version.</summary>
internal static class HausmanCommand
{
    public static Command Create()
    {
        var command = new Command("hausman",
            "Hausman test: are the group effects correlated with the regressors? Compares the fixed-effects (within) " +
            "estimates with the random-effects ones (Swamy–Arora GLS, plm's default, and REML, lme4's lmer) and adds the " +
            "Mundlak test (group means in the random-effects model)");
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "the model without the group, e.g. \"mathach ~ ses\"" };
        command.Arguments.Add(formula);
        var group = new Option<string>("--group") { Description = "the grouping column (the fixed or random effects)", HelpName = "G", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var re = new Option<string>("--re")
        {
            Description = "random-effects estimate: swar (Swamy–Arora GLS, plm's default), reml (lme4's lmer), or both (default: " +
                "swar's test first, as the JSON's top level, then reml's)",
            HelpName = "swar|reml|both",
            DefaultValueFactory = _ => "both",
        };
        command.Options.Add(group);
        command.Options.Add(re);
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var text = parse.GetValue(formula)!;
            var terms = FormulaTerms.Parse(text);
            if (terms.RandomEffects.Count > 0 || terms.Absorbed.Count > 0)
            {
                throw new UsageException("give the formula without random-effects terms or absorbed factors; the group is --group");
            }
            var frame = data.Load(parse);
            var design = DesignBuilder.Build(terms, frame, new DesignOptions { Response = ResponseKind.Numeric });
            string g = parse.GetValue(group)!;
            var grouping = GroupingVariable.FromColumn(frame, g, design.RowIndex);
            (design, var gs, _) = GroupingVariable.DropMissing(design, [grouping]);
            string which = parse.GetValue(re)!.ToLowerInvariant();
            if (which is not ("swar" or "reml" or "both")) throw new UsageException($"--re must be swar, reml or both, not '{which}'");
            var tests = new List<(string Key, HausmanTest Test)>();
            if (which is "swar" or "both") tests.Add(("swar", Hausman.SwamyArora(design, gs[0])));
            if (which is "reml" or "both") tests.Add(("reml", Hausman.Reml(design, gs[0], cancellation)));
            int groups = gs[0].Codes.Distinct().Count();
            if (parse.GetValue(json))
            {
                var others = tests.Skip(1).ToDictionary(t => t.Key, t => t.Test);
                Console.Out.Write(PoolingJson.Hausman(tests[0].Test, text, g, design.Observations, groups, others) + "\n");
            }
            else
            {
                Console.Out.Write(HausmanReport.Render(text, g, design.Observations, groups, [.. tests.Select(t => t.Test)]));
                foreach (var m in design.Messages) Console.Error.WriteLine($"mlm: {m}");
            }
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
