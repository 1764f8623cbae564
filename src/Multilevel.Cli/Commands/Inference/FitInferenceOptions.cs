using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Multilevel.Inference;
using Multilevel.Models;

namespace Multilevel.Cli.Commands.Inference;

/// <summary>
/// The inference options of <c>mlm fit</c> for linear mixed models (issue 6): <c>--satterthwaite</c>,
/// <c>--ci wald|profile|boot</c>, <c>--icc</c>, <c>--r2</c>, with <c>--level</c>, <c>--boot N</c> and <c>--seed</c>.
/// The fit command adds them with <see cref="AddTo"/>, and after a mixed-model fit calls <c>Compute</c> (LMM or GLMM);
/// the report prints under the fit (<see cref="InferenceReport.WriteText"/>) or adds its fields to the fit's JSON
/// object (<see cref="InferenceReport.WriteJson"/>: <c>satterthwaite</c>, <c>wald_ci_95</c>, <c>profile_ci_95</c>,
/// <c>boot_ci_95</c>, <c>r2_marginal</c>, <c>r2_conditional</c>, <c>icc_adjusted</c>, <c>icc_conditional</c>, …).
/// </summary>
public sealed class FitInferenceOptions
{
    /// <summary><c>--satterthwaite</c>.</summary>
    public Option<bool> Satterthwaite { get; } = new("--satterthwaite") { Description = "t-tests of the fixed effects with Satterthwaite's degrees of freedom (lmerTest)" };

    /// <summary><c>--ci wald|profile|boot</c> (repeatable).</summary>
    public Option<string[]> Intervals { get; } = new("--ci")
    {
        Description = "confidence intervals: wald (fixed effects), profile (likelihood profile of every parameter, as lme4's confint), " +
                      "boot (parametric bootstrap percentiles, also of the ICC and R²); repeatable",
        HelpName = "wald|profile|boot",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--icc</c>.</summary>
    public Option<bool> Icc { get; } = new("--icc") { Description = "variance decomposition: each level's variance and share, the adjusted and conditional ICC (performance::icc) with an interval" };

    /// <summary><c>--r2</c>.</summary>
    public Option<bool> R2 { get; } = new("--r2") { Description = "Nakagawa–Schielzeth marginal and conditional R² (performance::r2_nakagawa)" };

    /// <summary><c>--level</c>.</summary>
    public Option<double> Level { get; } = new("--level") { Description = "confidence level of the intervals (default 0.95)", DefaultValueFactory = _ => 0.95, HelpName = "L" };

    /// <summary><c>--boot N</c>.</summary>
    public Option<int> BootReplicates { get; } = new("--boot") { Description = "bootstrap replicates for --ci boot (default 1000)", DefaultValueFactory = _ => 1000, HelpName = "N" };

    /// <summary><c>--seed S</c>.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "seed of the bootstrap (default 1): the same seed gives the same intervals whatever the number of cores", DefaultValueFactory = _ => 1UL, HelpName = "S" };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, FitInferenceOptions> OnCommand = [];

    /// <summary>
    /// The inference options of a command, added to it on the first call: the branches of <c>mlm fit</c> (linear and
    /// generalized linear mixed models) share one set.
    /// </summary>
    public static FitInferenceOptions For(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return OnCommand.GetValue(command, c =>
        {
            var options = new FitInferenceOptions();
            options.AddTo(c);
            return options;
        });
    }

    /// <summary>
    /// For a branch of <c>mlm fit</c> that has no inference of this kind (fits without random effects): a usage error
    /// when one of these options was given, rather than ignoring it.
    /// </summary>
    /// <exception cref="UsageException">An inference option was given.</exception>
    public static void RejectIfRequested(ParseResult parse, string what)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (OnCommand.TryGetValue(parse.CommandResult.Command, out var options) && options.Requested(parse))
        {
            throw new UsageException($"--satterthwaite, --ci, --icc and --r2 are for mixed models; {what} have none of these (add a random-effects term such as (1 | group))");
        }
    }

    /// <summary>Adds the options to the fit command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var o in new Option[] { Satterthwaite, Intervals, Icc, R2, Level, BootReplicates, Seed }) command.Options.Add(o);
    }

    /// <summary>True when any inference was asked for.</summary>
    public bool Requested(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Satterthwaite) || parse.GetValue(Icc) || parse.GetValue(R2) || (parse.GetValue(Intervals)?.Length ?? 0) > 0;
    }

    /// <summary>
    /// Computes what the options ask for on a linear mixed-model fit (null when nothing was asked). Progress of the
    /// bootstrap goes to <paramref name="progress"/> (e.g. stderr); the token cancels profiling and the bootstrap.
    /// </summary>
    /// <exception cref="UsageException">An option value is invalid.</exception>
    public InferenceReport? Compute(LinearMixedModelFit fit, ParseResult parse, TextWriter? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(parse);
        if (!Requested(parse)) return null;
        double level = parse.GetValue(Level);
        if (!(level > 0 && level < 1)) throw new UsageException($"--level {level.ToString(CultureInfo.InvariantCulture)}: give a confidence level strictly between 0 and 1, e.g. 0.95");
        var kinds = (parse.GetValue(Intervals) ?? []).Select(k => k.ToLowerInvariant()).Distinct().ToArray();
        foreach (var k in kinds.Where(k => k is not ("wald" or "profile" or "boot"))) throw new UsageException($"--ci '{k}': use wald, profile or boot");
        int replicates = parse.GetValue(BootReplicates);
        if (replicates < 2) throw new UsageException($"--boot {replicates}: give at least 2 replicates (1000 is usual)");
        return InferenceReport.Compute(fit, new InferenceRequest(
            parse.GetValue(Satterthwaite), kinds.Contains("wald"), kinds.Contains("profile"), kinds.Contains("boot"),
            parse.GetValue(Icc), parse.GetValue(R2), level, replicates, parse.GetValue(Seed)), progress, cancellationToken);
    }

    /// <summary>
    /// The same for a GLMM: <c>--icc</c>, <c>--r2</c> (latent-scale, Nakagawa et al. 2017) and <c>--ci wald</c>;
    /// Satterthwaite, profile and bootstrap are for linear mixed models (a usage error here).
    /// </summary>
    /// <exception cref="UsageException">An option does not apply to GLMMs, or a value is invalid.</exception>
    public InferenceReport? Compute(Multilevel.Models.Glmm.GeneralizedLinearMixedModelFit fit, ParseResult parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(parse);
        if (!Requested(parse)) return null;
        double level = parse.GetValue(Level);
        if (!(level > 0 && level < 1)) throw new UsageException($"--level {level.ToString(CultureInfo.InvariantCulture)}: give a confidence level strictly between 0 and 1, e.g. 0.95");
        var kinds = (parse.GetValue(Intervals) ?? []).Select(k => k.ToLowerInvariant()).Distinct().ToArray();
        if (parse.GetValue(Satterthwaite)) throw new UsageException("--satterthwaite is for linear mixed models: a GLMM's fixed effects are tested with z (Wald) statistics");
        foreach (var k in kinds.Where(k => k != "wald"))
        {
            throw new UsageException(k is "profile" or "boot"
                ? $"--ci {k} is available for linear mixed models; for a GLMM use --ci wald"
                : $"--ci '{k}': use wald, profile or boot");
        }
        return InferenceReport.Compute(fit, new InferenceRequest(false, kinds.Contains("wald"), false, false, parse.GetValue(Icc), parse.GetValue(R2), level), cancellationToken);
    }
}

/// <summary>What to compute after a fit.</summary>
/// <param name="Satterthwaite">t-tests with Satterthwaite's df.</param>
/// <param name="Wald">Wald intervals.</param>
/// <param name="Profile">Profile intervals.</param>
/// <param name="Bootstrap">Parametric bootstrap percentile intervals.</param>
/// <param name="Icc">The variance decomposition and ICC.</param>
/// <param name="R2">Nakagawa's R².</param>
/// <param name="Level">Confidence level.</param>
/// <param name="Replicates">Bootstrap replicates.</param>
/// <param name="Seed">Bootstrap seed.</param>
public sealed record InferenceRequest(bool Satterthwaite, bool Wald, bool Profile, bool Bootstrap, bool Icc, bool R2, double Level = 0.95, int Replicates = 1000, ulong Seed = 1);

/// <summary>The inference results of one fit, and their text and JSON.</summary>
public sealed class InferenceReport
{
    private InferenceReport(LinearMixedModelFit? fit, InferenceRequest request)
    {
        Fit = fit;
        Request = request;
    }

    /// <summary>The linear mixed-model fit (null for a GLMM).</summary>
    public LinearMixedModelFit? Fit { get; }

    /// <summary>What was asked.</summary>
    public InferenceRequest Request { get; }

    /// <summary>Satterthwaite t-tests (when asked).</summary>
    public IReadOnlyList<SatterthwaiteTest>? Satterthwaite { get; private set; }

    /// <summary>Warnings of the Satterthwaite computation.</summary>
    public IReadOnlyList<string> SatterthwaiteWarnings { get; private set; } = [];

    /// <summary>Wald intervals (when asked).</summary>
    public IReadOnlyList<ConfidenceInterval>? Wald { get; private set; }

    /// <summary>Profile intervals (when asked).</summary>
    public ProfileResult? Profile { get; private set; }

    /// <summary>The bootstrap (when asked).</summary>
    public BootstrapResult? Bootstrap { get; private set; }

    /// <summary>The variance decomposition (for --icc and --r2).</summary>
    public VarianceDecompositionResult? Decomposition { get; private set; }

    /// <summary>The profile interval of the adjusted ICC (single scalar term), when --icc.</summary>
    public ConfidenceInterval? IccProfile { get; private set; }

    /// <summary>Computes a GLMM's request (Wald intervals, ICC and R² on the latent scale).</summary>
    public static InferenceReport Compute(Multilevel.Models.Glmm.GeneralizedLinearMixedModelFit fit, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(request);
        var r = new InferenceReport(null, request);
        if (request.Wald) r.Wald = WaldIntervals.FixedEffects(fit, request.Level);
        if (request.Icc || request.R2) r.Decomposition = VarianceDecomposition.Compute(fit, cancellationToken: cancellationToken);
        return r;
    }

    /// <summary>Computes the request.</summary>
    public static InferenceReport Compute(LinearMixedModelFit fit, InferenceRequest request, TextWriter? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(request);
        var r = new InferenceReport(fit, request);
        if (request.Satterthwaite)
        {
            var s = Multilevel.Inference.Satterthwaite.For(fit, cancellationToken);
            r.Satterthwaite = [.. Enumerable.Range(0, fit.FixedEffects.Length).Select(s.Coefficient)];
            r.SatterthwaiteWarnings = s.Warnings;
        }
        if (request.Wald) r.Wald = WaldIntervals.FixedEffects(fit, request.Level);
        if (request.Profile) r.Profile = ProfileLikelihood.ConfidenceIntervals(fit, new ProfileOptions { Level = request.Level, CancellationToken = cancellationToken });
        if (request.Bootstrap)
        {
            var reporter = progress is null ? null : new BootProgress(progress);
            r.Bootstrap = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = request.Replicates, Seed = request.Seed, Progress = reporter, CancellationToken = cancellationToken });
            reporter?.Finish();
        }
        if (request.Icc || request.R2) r.Decomposition = VarianceDecomposition.Compute(fit);
        if (request.Icc) r.IccProfile = VarianceDecomposition.ProfileIccInterval(fit, request.Level, cancellationToken);
        return r;
    }

    private string Suffix => ((int)Math.Round(Request.Level * 100)).ToString(CultureInfo.InvariantCulture);

    private string LevelText => (Request.Level * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>The text printed under the fit's summary.</summary>
    public void WriteText(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var sb = new StringBuilder();
        if (Satterthwaite is { } tests)
        {
            sb.Append("\nFixed effects with Satterthwaite's degrees of freedom (lmerTest):\n");
            var rows = tests.Select(t => (IReadOnlyList<string>)[t.Term, TextFormat.Significant(t.Estimate, 6), TextFormat.Significant(t.StandardError, 5),
                TextFormat.Significant(t.DegreesOfFreedom, 6), TextFormat.Fixed(t.T, 3), TextFormat.PValue(t.P), TextFormat.Stars(t.P)]).ToList();
            sb.Append(TextFormat.Table(["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", ""], rows));
            sb.Append("---\n").Append(TextFormat.StarLegend).Append('\n');
            foreach (var w in SatterthwaiteWarnings) sb.Append("Warning: ").Append(w).Append('\n');
        }
        if (Wald is { } wald) AppendIntervals(sb, $"Wald {LevelText} intervals (fixed effects; lme4's confint(method = \"Wald\")){(Fit is null ? ", on the link scale" : "")}:", wald);
        if (Profile is { } profile)
        {
            AppendIntervals(sb, $"Profile-likelihood {LevelText} intervals (lme4's confint(method = \"profile\"){(Fit?.Criterion == LmmCriterion.Reml ? "; profiles of the ML fit, as lme4" : "")}):", profile.Intervals);
            foreach (var w in profile.Warnings) sb.Append("Warning: ").Append(w).Append('\n');
        }
        if (Bootstrap is { } boot)
        {
            AppendIntervals(sb, $"Parametric bootstrap {LevelText} percentile intervals ({boot.Replicates} replicates, seed {boot.Seed}, {boot.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s" +
                (boot.Failures > 0 ? $", {boot.Failures} failed refits left out" : "") + "):", boot.PercentileIntervals(Request.Level));
        }
        if (Decomposition is { } d && Request.Icc)
        {
            sb.Append(Fit is null ? "\nVariance decomposition on the latent (link) scale (performance::icc; Nakagawa et al. 2017):\n" : "\nVariance decomposition (performance::icc):\n");
            var rows = d.Terms.Select(t => (IReadOnlyList<string>)[t.Group, string.Join(", ", t.Columns), TextFormat.Significant(t.Variance, 5), TextFormat.Fixed(t.Share, 4)]).ToList();
            rows.Add([Fit is null ? "Residual (distribution-specific" + (d.DispersionVariance > 0 ? " + dispersion)" : ")") : "Residual", "", TextFormat.Significant(d.ResidualVariance, 5), TextFormat.Fixed(d.ResidualShare, 4)]);
            sb.Append(TextFormat.Table(["Level", "Terms", "Variance", "Share"], rows));
            sb.Append($"ICC adjusted:    {TextFormat.Fixed(d.IccAdjusted, 4)}{IccInterval("icc_adjusted")}\n");
            sb.Append($"ICC conditional: {TextFormat.Fixed(d.IccConditional, 4)}{BootInterval("icc_conditional")}\n");
            if (d.Terms.Any(t => t.Columns.Count > 1 || t.Columns[0] != "(Intercept)"))
            {
                sb.Append("(a term's variance is the mean over the observations of zᵀΣz, Johnson 2014: for a random intercept, its variance)\n");
            }
            if (IccProfile is null && Bootstrap is null && Fit is { RowValuesAvailable: true }) sb.Append("(for an interval of the ICC here, add --ci boot)\n");
        }
        if (Decomposition is { } r && Request.R2)
        {
            sb.Append($"\nR² (Nakagawa–Schielzeth, performance::r2_nakagawa): marginal {TextFormat.Fixed(r.R2Marginal, 4)}{BootInterval("r2_marginal")}, conditional {TextFormat.Fixed(r.R2Conditional, 4)}{BootInterval("r2_conditional")}\n");
        }
        if (Decomposition is { } notes) foreach (var n in notes.Notes) sb.Append("Note: ").Append(n).Append('\n');
        writer.Write(sb.ToString());
    }

    private string IccInterval(string name)
    {
        if (IccProfile is { } p) return $"   {LevelText} profile interval [{TextFormat.Fixed(p.Lower, 4)}, {TextFormat.Fixed(p.Upper, 4)}]";
        return BootInterval(name);
    }

    private string BootInterval(string name)
    {
        if (Bootstrap is not { } b) return "";
        var ci = b.PercentileIntervals(Request.Level, [name])[0];
        return $"   {LevelText} bootstrap interval [{TextFormat.Fixed(ci.Lower, 4)}, {TextFormat.Fixed(ci.Upper, 4)}]";
    }

    private static void AppendIntervals(StringBuilder sb, string title, IReadOnlyList<ConfidenceInterval> intervals)
    {
        sb.Append('\n').Append(title).Append('\n');
        var rows = intervals.Select(i => (IReadOnlyList<string>)[i.Parameter, TextFormat.Significant(i.Estimate, 6), TextFormat.Significant(i.Lower, 6), TextFormat.Significant(i.Upper, 6)]).ToList();
        sb.Append(TextFormat.Table(["", "Estimate", "Lower", "Upper"], rows));
    }

    /// <summary>Writes the report's fields into the fit's JSON object (names as fixtures/reference/*_inference.json).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Satterthwaite is { } tests)
        {
            writer.WriteStartArray("satterthwaite");
            foreach (var t in tests)
            {
                writer.WriteStartObject();
                writer.WriteString("term", t.Term);
                JsonOutput.Number(writer, "estimate", t.Estimate);
                JsonOutput.Number(writer, "se", t.StandardError);
                JsonOutput.Number(writer, "df", t.DegreesOfFreedom);
                JsonOutput.Number(writer, "t", t.T);
                JsonOutput.Number(writer, "p", t.P);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (SatterthwaiteWarnings.Count > 0) JsonOutput.Strings(writer, "satterthwaite_warnings", SatterthwaiteWarnings);
        }
        if (Wald is { } wald) Intervals(writer, $"wald_ci_{Suffix}", wald);
        if (Profile is { } profile)
        {
            Intervals(writer, $"profile_ci_{Suffix}", profile.Intervals);
            if (profile.Warnings.Count > 0) JsonOutput.Strings(writer, "profile_warnings", profile.Warnings);
        }
        if (Bootstrap is { } boot)
        {
            Intervals(writer, $"boot_ci_{Suffix}", boot.PercentileIntervals(Request.Level));
            writer.WriteStartObject("bootstrap");
            writer.WriteNumber("replicates", boot.Replicates);
            writer.WriteNumber("seed", boot.Seed);
            writer.WriteNumber("failures", boot.Failures);
            writer.WriteNumber("seconds", boot.Elapsed.TotalSeconds);
            writer.WriteEndObject();
        }
        if (Decomposition is { } d)
        {
            if (Request.R2)
            {
                JsonOutput.Number(writer, "r2_marginal", d.R2Marginal);
                JsonOutput.Number(writer, "r2_conditional", d.R2Conditional);
            }
            if (Request.Icc)
            {
                JsonOutput.Number(writer, "icc_adjusted", d.IccAdjusted);
                JsonOutput.Number(writer, "icc_conditional", d.IccConditional);
                if (IccProfile is { } p)
                {
                    writer.WriteStartObject($"icc_adjusted_ci_{Suffix}");
                    writer.WriteString("method", "profile");
                    JsonOutput.Number(writer, "lower", p.Lower);
                    JsonOutput.Number(writer, "upper", p.Upper);
                    writer.WriteEndObject();
                }
                writer.WriteStartArray("variance_components");
                foreach (var t in d.Terms)
                {
                    writer.WriteStartObject();
                    writer.WriteString("group", t.Group);
                    JsonOutput.Strings(writer, "terms", t.Columns);
                    JsonOutput.Number(writer, "variance", t.Variance);
                    JsonOutput.Number(writer, "share", t.Share);
                    writer.WriteEndObject();
                }
                writer.WriteStartObject();
                writer.WriteString("group", "Residual");
                JsonOutput.Number(writer, "variance", d.ResidualVariance);
                JsonOutput.Number(writer, "share", d.ResidualShare);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            if (d.Notes.Count > 0) JsonOutput.Strings(writer, "variance_notes", d.Notes);
        }
    }

    private static void Intervals(Utf8JsonWriter writer, string name, IReadOnlyList<ConfidenceInterval> intervals)
    {
        writer.WriteStartArray(name);
        foreach (var i in intervals)
        {
            writer.WriteStartObject();
            writer.WriteString("parameter", i.Parameter);
            JsonOutput.Number(writer, "estimate", i.Estimate);
            JsonOutput.Number(writer, "lower", i.Lower);
            JsonOutput.Number(writer, "upper", i.Upper);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Bootstrap progress on a text stream: a line that rewrites itself on a terminal, nothing when redirected.</summary>
    private sealed class BootProgress(TextWriter writer) : IProgress<(int Done, int Total)>
    {
        private readonly bool _interactive = !Console.IsErrorRedirected && ReferenceEquals(writer, Console.Error);
        private readonly Lock _gate = new();

        public void Report((int Done, int Total) value)
        {
            if (!_interactive) return;
            lock (_gate) writer.Write($"\rbootstrap: {value.Done}/{value.Total} replicates");
        }

        public void Finish()
        {
            if (_interactive) writer.Write('\r' + new string(' ', 40) + '\r');
        }
    }
}
