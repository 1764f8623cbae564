using System.CommandLine;
using Multilevel.Cli.Commands.Fit;
using Multilevel.Formulas;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm fit DATA FORMULA</c>: fits the model the formula describes (CONTRACT.md, "Which model fit fits") and
/// prints its summary (or JSON). Each kind of model is a branch in <see cref="Branches"/>, asked in order.
/// </summary>
internal static class FitCommand
{
    /// <summary>The kinds of model, most specific first. One line per branch.</summary>
    private static readonly IFitBranch[] Branches =
    [
        new SumsFitBranch(),
        new LmmFitBranch(),
        new PoolingFitBranch(),
        new GlmmFitBranch(), // after PoolingFitBranch, which adds the --family and --link it shares
    ];

    public static Command Create()
    {
        var command = new Command("fit",
            "Fit a model: a random-effects term ( … | g) gives a linear mixed model (REML, lme4's lmer; lme4's summary(), " +
            "--style statsmodels: statsmodels' MixedLM table); without one, OLS (--family: a GLM; y ~ x | g: absorbed fixed " +
            "effects; --between G, --by G; --vcov, --cluster) in statsmodels' layout (--style lme4: R's summary); or JSON");
        var data = new DataOptions();
        data.AddTo(command);
        var formula = new Argument<string>("FORMULA") { Description = "an R/lme4 formula, e.g. \"mathach ~ ses + (1 | schoolid)\"" };
        command.Arguments.Add(formula);
        var json = new Option<bool>("--json") { Description = "print one JSON object (field names of lme4's references, plus converged, evaluations, seconds)" };
        var style = new Option<string?>("--style") { Description = "text layout: lme4 (R's summary) or statsmodels (the tutorial's tables); default per model kind", HelpName = "lme4|statsmodels" };
        var ml = new Option<bool>("--ml") { Description = "maximum likelihood instead of REML (to compare models with different fixed effects)" };
        var weights = new Option<string?>("--weights") { Description = "a column of prior weights (rows where it is missing are dropped)", HelpName = "COL" };
        command.Options.Add(json);
        command.Options.Add(style);
        command.Options.Add(ml);
        command.Options.Add(weights);
        foreach (var branch in Branches) branch.AddOptions(command);
        command.SetAction((ParseResult parse, CancellationToken ct) =>
        {
            string text = parse.GetValue(formula)!;
            // parse first: a syntax error is reported (exit 2) before the data is read
            var terms = FormulaTerms.Parse(text);
            string? styleValue = parse.GetValue(style);
            if (styleValue is not null and not ("lme4" or "statsmodels")) throw new UsageException($"--style '{styleValue}': use lme4 or statsmodels");
            // a database URL or --stream: the rows stay where they are (SumsFitBranch)
            var frame = SumsFitBranch.ReadsSums(parse, parse.GetValue(data.Data)!) ? new Multilevel.Data.Frame([]) : data.Load(parse);
            var request = new FitRequest(parse, parse.GetValue(data.Data)!, frame, text, terms, parse.GetValue(json), styleValue, parse.GetValue(ml), parse.GetValue(weights));
            foreach (var branch in Branches)
            {
                if (branch.Claims(request)) return Task.FromResult(branch.Run(request, ct));
            }
            throw new UsageException(terms.RandomEffects.Count == 0
                ? $"'{text}' has no random-effects term '( … | group)': this build fits mixed models only; add one such as (1 | group)"
                : $"no model kind of this build fits '{text}' with these options");
        });
        return command;
    }
}
