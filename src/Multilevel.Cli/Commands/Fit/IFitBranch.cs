using System.CommandLine;
using Multilevel.Data;
using Multilevel.Formulas;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>
/// One kind of model <c>mlm fit</c> can fit (CONTRACT.md, "Which model fit fits"): it adds the options only it
/// reads, says whether it fits a request, and runs it. <see cref="FitCommand"/> asks the branches in order and
/// runs the first that claims the request.
/// </summary>
internal interface IFitBranch
{
    /// <summary>Adds the options this branch reads (shared ones are on <see cref="FitRequest"/>).</summary>
    void AddOptions(Command command);

    /// <summary>True when this branch fits the request (e.g. the formula has random-effects terms).</summary>
    bool Claims(FitRequest request);

    /// <summary>Fits and writes the result; returns the exit code.</summary>
    int Run(FitRequest request, CancellationToken cancellationToken);
}

/// <summary>What every branch of <c>mlm fit</c> gets: the parsed command line, the data, the formula and the shared options.</summary>
/// <param name="Parse">The parse result (a branch reads its own options from it).</param>
/// <param name="DataName">The DATA argument as given (shown as <c>Data:</c>).</param>
/// <param name="Data">The data frame.</param>
/// <param name="Formula">The formula text.</param>
/// <param name="Terms">The parsed formula.</param>
/// <param name="Json">--json: one JSON object on stdout.</param>
/// <param name="Style">--style: <c>lme4</c> or <c>statsmodels</c>; null for the model kind's default.</param>
/// <param name="MaximumLikelihood">--ml: maximum likelihood instead of REML (mixed models).</param>
/// <param name="Weights">--weights: a column of prior weights, or null.</param>
internal sealed record FitRequest(
    ParseResult Parse,
    string DataName,
    Frame Data,
    string Formula,
    FormulaTerms Terms,
    bool Json,
    string? Style,
    bool MaximumLikelihood,
    string? Weights)
{
    /// <summary>The value of an option another branch added, by name (null when that option does not exist or was not given).</summary>
    public string? OptionText(string name)
    {
        var option = Parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name);
        var tokens = option is null ? null : Parse.GetResult(option)?.Tokens;
        return tokens is { Count: > 0 } ? tokens[0].Value : null;
    }
}
