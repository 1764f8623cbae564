using System.CommandLine;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Reporting;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>What a GLMM fit needs from <c>mlm fit</c>: the data, the formula and the GLMM options.</summary>
public sealed record GlmmRequest
{
    /// <summary>The data argument as given (shown as <c>Data:</c>).</summary>
    public required string DataName { get; init; }

    /// <summary>The data.</summary>
    public required Frame Data { get; init; }

    /// <summary>The formula (lme4 syntax, with at least one random-effects term).</summary>
    public required string Formula { get; init; }

    /// <summary><c>--family</c>: binomial or poisson.</summary>
    public required string Family { get; init; }

    /// <summary><c>--link</c>, or null for the family's canonical link.</summary>
    public string? Link { get; init; }

    /// <summary><c>--nagq N</c>: 0 (fast), 1 (Laplace, the default) or the number of quadrature nodes.</summary>
    public int? Nagq { get; init; }

    /// <summary><c>--fast</c>: nAGQ = 0.</summary>
    public bool Fast { get; init; }

    /// <summary>Weights and offset columns, contrasts (null: R's defaults).</summary>
    public DesignOptions? Design { get; init; }

    /// <summary><c>--json</c>.</summary>
    public bool Json { get; init; }
}

/// <summary>
/// Runs GLMM fits for <c>mlm fit DATA FORMULA --family binomial|poisson [--link …] [--nagq N] [--fast] [--json]</c>:
/// lme4's <c>glmer</c>, printed in lme4's <c>summary()</c> layout or as one JSON object (CONTRACT.md).
/// </summary>
public static class GlmmRunner
{
    /// <summary>True when <c>mlm fit</c> should send this model here: a random-effects term and a family other than gaussian.</summary>
    public static bool Handles(ModelDesign design, string? family) =>
        design is not null && design.RandomEffects.Count > 0 && family is not null && !family.Equals("gaussian", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the request, fits and writes the result; returns the exit code.</summary>
    /// <exception cref="UsageException">An option value is not valid.</exception>
    public static int Run(GlmmRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default) =>
        Run(request, output, errors, null, cancellationToken);

    /// <summary>As <see cref="Run(GlmmRequest, TextWriter, TextWriter, CancellationToken)"/>, then the inference the
    /// fit command asked for (<c>--icc</c>, <c>--r2</c>, <c>--ci wald</c>; issue 6), printed under the summary or
    /// added to the JSON object.</summary>
    public static int Run(GlmmRequest request, TextWriter output, TextWriter errors,
        Func<GeneralizedLinearMixedModelFit, Inference.InferenceReport?>? inference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var options = Options(request, out var family) with { CancellationToken = cancellationToken };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fit = GeneralizedLinearMixedModel.Fit(request.Formula, request.Data, family, options);
        double seconds = clock.Elapsed.TotalSeconds;
        var report = inference?.Invoke(fit);
        if (request.Json && report is not null)
        {
            using var buffer = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                GlmmJson.WriteProperties(writer, fit, seconds);
                report.WriteJson(writer);
                writer.WriteEndObject();
            }
            output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            output.Write('\n');
            foreach (var w in fit.Warnings) errors.WriteLine($"mlm: warning: {w}");
        }
        else if (request.Json)
        {
            output.Write(GlmmJson.Render(fit, seconds));
            output.Write('\n');
            foreach (var w in fit.Warnings) errors.WriteLine($"mlm: warning: {w}");
        }
        else
        {
            output.Write(GlmerSummary.Render(fit, request.DataName));
            foreach (var m in fit.Messages.Where(m => !m.Contains("missing", StringComparison.OrdinalIgnoreCase))) output.Write(m + "\n");
            report?.WriteText(output);
        }
        return CliApp.Ok;
    }

    /// <summary>The family and the fitting options of a request (usage errors for invalid values).</summary>
    public static GeneralizedLinearMixedModelOptions Options(GlmmRequest request, out GlmFamily family)
    {
        ArgumentNullException.ThrowIfNull(request);
        family = request.Family.ToLowerInvariant() switch
        {
            "binomial" => GlmFamily.Binomial,
            "poisson" => GlmFamily.Poisson,
            "gaussian" => throw new UsageException("--family gaussian with random effects is a linear mixed model: leave out --family"),
            _ => throw new UsageException($"--family must be binomial or poisson for a mixed model, not '{request.Family}'"),
        };
        GlmLink? link = null;
        if (request.Link is { } name)
        {
            link = GlmLink.FromName(name) ?? throw new UsageException($"--link must be logit, probit, cloglog or log, not '{name}'");
            bool fits = family.Name == "binomial" ? link.Name is "logit" or "probit" or "cloglog" : link.Name == "log";
            if (!fits)
            {
                throw new UsageException(family.Name == "binomial"
                    ? $"--link {link.Name} does not suit --family binomial: use logit (default), probit or cloglog"
                    : $"--link {link.Name} does not suit --family poisson: use log (default)");
            }
        }
        if (request.Nagq is < 0) throw new UsageException($"--nagq must be 0 (fast), 1 (Laplace) or the number of quadrature nodes, not {request.Nagq}");
        if (request.Fast && request.Nagq is > 0) throw new UsageException($"--fast is nAGQ = 0; it contradicts --nagq {request.Nagq}");
        int nagq = request.Fast ? 0 : request.Nagq ?? 1;
        return new GeneralizedLinearMixedModelOptions { Link = link, Nagq = nagq, Design = request.Design };
    }
}

/// <summary>
/// The options only GLMMs use, for <c>mlm fit</c> to add (<c>--nagq N</c>, <c>--fast</c>); <c>--family</c>,
/// <c>--link</c> and <c>--json</c> are shared with GLMs and given to <see cref="Request"/>.
/// </summary>
public sealed class GlmmCommandOptions
{
    /// <summary><c>--nagq N</c>.</summary>
    public Option<int?> Nagq { get; } = new("--nagq")
    {
        Description = "GLMM: quadrature nodes per random effect (lme4's nAGQ): 1 = Laplace (default), 0 = fast, > 1 adaptive Gauss-Hermite (one random-effects term)",
        HelpName = "N",
    };

    /// <summary><c>--fast</c>.</summary>
    public Option<bool> Fast { get; } = new("--fast")
    {
        Description = "GLMM: nAGQ = 0 (fixed effects estimated inside PIRLS, only θ optimised; lme4's nAGQ = 0)",
    };

    /// <summary>Adds the options to the command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Nagq);
        command.Options.Add(Fast);
    }

    /// <summary>The request of a parsed <c>mlm fit</c> command line.</summary>
    public GlmmRequest Request(ParseResult parse, string dataName, Frame data, string formula, string family,
        string? link, DesignOptions? design, bool json)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new GlmmRequest
        {
            DataName = dataName,
            Data = data,
            Formula = formula,
            Family = family,
            Link = link,
            Nagq = parse.GetValue(Nagq),
            Fast = parse.GetValue(Fast),
            Design = design,
            Json = json,
        };
    }
}

/// <summary>The GLMM branch of <c>mlm fit</c>: a random-effects term and <c>--family</c> binomial or poisson.</summary>
internal sealed class GlmmFitBranch : IFitBranch
{
    private readonly GlmmCommandOptions _options = new();
    private Inference.FitInferenceOptions? _inference;

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        // --family and --link are shared with the GLM branch: whichever branch comes first adds them
        if (!command.Options.Any(o => o.Name == "--family"))
        {
            command.Options.Add(new Option<string?>("--family") { Description = "binomial or poisson: a GLMM with random-effects terms, a GLM without", HelpName = "FAMILY" });
        }
        if (!command.Options.Any(o => o.Name == "--link"))
        {
            command.Options.Add(new Option<string?>("--link") { Description = "link function: logit (default), probit, cloglog (binomial); log (Poisson)", HelpName = "LINK" });
        }
        _options.AddTo(command);
        _inference = Inference.FitInferenceOptions.For(command);   // --icc, --r2, --ci wald (issue 6)
    }

    public bool Claims(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Terms.RandomEffects.Count == 0) return false;
        string? family = request.OptionText("--family");
        if (family is null || family.Equals("gaussian", StringComparison.OrdinalIgnoreCase)) return false;
        if (request.Terms.Absorbed.Count > 0)
        {
            throw new UsageException("absorbed fixed effects (y ~ x | g) cannot be combined with random-effects terms ( … | g) for now; fit one or the other");
        }
        return true;
    }

    public int Run(FitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Style is "statsmodels") throw new UsageException("--style statsmodels has no GLMM layout; GLMMs print lme4's summary()");
        var glmm = _options.Request(request.Parse, request.DataName, request.Data, request.Formula, request.OptionText("--family")!,
            request.OptionText("--link"), new DesignOptions { Weights = request.Weights }, request.Json);
        return GlmmRunner.Run(glmm, Console.Out, Console.Error,
            _inference is null ? null : fit => _inference.Compute(fit, request.Parse, cancellationToken), cancellationToken);
    }
}
