using System.CommandLine;
using System.Diagnostics;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Reporting;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>
/// <c>mlm fit</c> for linear mixed models: a formula with a random-effects term <c>( … | g)</c> and no non-Gaussian
/// <c>--family</c>. REML by default, <c>--ml</c> for maximum likelihood; lme4's <c>summary()</c> layout, the
/// statsmodels MixedLM layout of the tutorial (<c>--style statsmodels</c>) or JSON.
/// </summary>
internal sealed class LmmFitBranch : IFitBranch
{
    private Inference.FitInferenceOptions? _inference;

    public void AddOptions(Command command)
    {
        _inference = Inference.FitInferenceOptions.For(command);   // --satterthwaite, --ci, --icc, --r2 (issue 6)
    }

    public bool Claims(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Terms.RandomEffects.Count == 0) return false;
        string? family = request.OptionText("--family");
        if (family is not null && !family.Equals("gaussian", StringComparison.OrdinalIgnoreCase)) return false;
        if (request.Terms.Absorbed.Count > 0)
        {
            throw new UsageException("absorbed fixed effects (y ~ x | g) cannot be combined with random-effects terms ( … | g) for now; fit one or the other");
        }
        return true;
    }

    public int Run(FitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string style = request.Style ?? "lme4";
        if (style is not ("lme4" or "statsmodels")) throw new UsageException($"--style '{style}': use lme4 or statsmodels");
        using var progress = Infrastructure.ProgressDisplay.Start(request.Formula);
        var options = new LinearMixedModelOptions
        {
            Progress = progress,
            Criterion = request.MaximumLikelihood ? LmmCriterion.MaximumLikelihood : LmmCriterion.Reml,
            Design = new DesignOptions { Weights = request.Weights },
            CancellationToken = cancellationToken,
        };
        var clock = Stopwatch.StartNew();
        var fit = LinearMixedModel.Fit(request.Formula, request.Data, options);
        double seconds = clock.Elapsed.TotalSeconds;
        var report = _inference?.Compute(fit, request.Parse, Console.Error, cancellationToken);

        if (request.Json)
        {
            JsonOutput.Write(w =>
            {
                LmmJson.WriteProperties(w, fit, seconds);
                report?.WriteJson(w);
            });
            foreach (var w in fit.Warnings) Console.Error.WriteLine($"mlm: warning: {w}");
            return CliApp.Ok;
        }
        WriteText(fit, style, request.DataName, report);
        return CliApp.Ok;
    }

    /// <summary>The text of an LMM fit: the summary in <paramref name="style"/>, rows left out, messages, and the inference report.</summary>
    internal static void WriteText(LinearMixedModelFit fit, string style, string dataName, Inference.InferenceReport? report)
    {
        var text = style == "statsmodels" ? MixedLmSummary.Render(fit) : LmerSummary.Render(fit, dataName);
        Console.Out.Write(text);
        if (fit.RowsDropped > 0)
        {
            Console.Out.Write($"{fit.RowsDropped} of {fit.RowsInData} rows were left out for missing values; {fit.Observations} used.\n");
        }
        foreach (var m in fit.Messages.Where(m => !m.Contains("missing", StringComparison.OrdinalIgnoreCase))) Console.Out.Write(m + "\n");
        if (style == "statsmodels")
        {
            foreach (var w in fit.Warnings) Console.Out.Write($"warning: {w}\n");
        }
        report?.WriteText(Console.Out);
    }
}
