using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Models.Linear;

namespace Multilevel.Reporting.Pooling;

/// <summary>One coefficient of one model in the comparison.</summary>
/// <param name="Term">Column name (<c>ses</c>).</param>
/// <param name="Estimate">Estimate.</param>
/// <param name="StandardError">Standard error (NaN where none).</param>
public sealed record PooledEstimate(string Term, double Estimate, double StandardError);

/// <summary>One model of the comparison: its estimates of the predictors and its variance components.</summary>
/// <param name="Key">Stable identifier for JSON: <c>full_pooling</c>, <c>no_pooling</c>, <c>between</c>, <c>fixed_effects</c>,
/// <c>random_intercepts</c>, <c>random_slopes</c>, <c>mundlak</c>.</param>
/// <param name="Name">What it is, for people ("Fixed effects (within)").</param>
/// <param name="Method">How it was fitted (CONTRACT's <c>method</c>: OLS, IRLS, by-group, between, within, REML, Laplace).</param>
/// <param name="Formula">The model as a formula (lme4 syntax; <c>mean(x)</c> marks a group mean).</param>
/// <param name="Estimates">The predictors' estimates (no intercept); for no pooling, the mean of the groups' estimates with
/// their standard deviation as <see cref="PooledEstimate.StandardError"/>.</param>
/// <param name="BetweenVariance">Variance of the group intercepts (random-effects models), or NaN.</param>
/// <param name="WithinVariance">Residual variance (Gaussian), π²/3 on the latent scale of a logit model, or NaN.</param>
/// <param name="Icc">Share of the variance between groups (random-effects models; performance's adjusted ICC), or NaN.</param>
/// <param name="Note">A remark shown under the table, or null.</param>
public sealed record PoolingModel(string Key, string Name, string Method, string Formula, IReadOnlyList<PooledEstimate> Estimates,
    double BetweenVariance, double WithinVariance, double Icc, string? Note);

/// <summary>The distribution of one coefficient over the groups of a no-pooling fit.</summary>
/// <param name="Term">Column name.</param>
/// <param name="Groups">Groups with an estimate.</param>
/// <param name="Mean">Mean of the groups' estimates.</param>
/// <param name="StandardDeviation">Their standard deviation (n − 1).</param>
/// <param name="Min">Smallest.</param>
/// <param name="Q25">First quartile (type 7).</param>
/// <param name="Median">Median.</param>
/// <param name="Q75">Third quartile.</param>
/// <param name="Max">Largest.</param>
public sealed record GroupSlopeSummary(string Term, int Groups, double Mean, double StandardDeviation, double Min, double Q25, double Median, double Q75, double Max);

/// <summary>The intra-class correlation of the null model <c>y ~ 1 + (1 | g)</c>.</summary>
/// <param name="Icc">τ² / (τ² + σ²) (σ² = π²/3 for a logit GLMM).</param>
/// <param name="Lower">Lower end of the 95% profile-likelihood interval (NaN when not computed).</param>
/// <param name="Upper">Upper end.</param>
/// <param name="BetweenVariance">τ².</param>
/// <param name="WithinVariance">σ².</param>
/// <param name="Scale"><c>response</c>, or <c>latent</c> for a logit or probit GLMM.</param>
public sealed record NullModelIcc(double Icc, double Lower, double Upper, double BetweenVariance, double WithinVariance, string Scale);

/// <summary>A likelihood-ratio test of the random slopes (random intercepts against random intercepts and slopes).</summary>
/// <param name="ChiSquare">Statistic.</param>
/// <param name="Df">Parameters added.</param>
/// <param name="P">Naive χ² p-value.</param>
/// <param name="BoundaryP">Boundary-corrected p-value (mixture of χ²), or NaN.</param>
public sealed record SlopeTest(double ChiSquare, int Df, double P, double BoundaryP);

/// <summary>The slides' comparison of full, no and partial pooling on one data set (see <see cref="PoolingComparison"/>).</summary>
public sealed record PoolingComparisonResult
{
    /// <summary>The formula as given (without the group).</summary>
    public required string Formula { get; init; }

    /// <summary>The grouping column.</summary>
    public required string Group { get; init; }

    /// <summary><c>gaussian</c>, <c>binomial</c> or <c>poisson</c>.</summary>
    public required string Family { get; init; }

    /// <summary>The link function.</summary>
    public required string Link { get; init; }

    /// <summary>Rows used by every model.</summary>
    public required int Observations { get; init; }

    /// <summary>Rows of the data before missing values were dropped.</summary>
    public required int RowsInData { get; init; }

    /// <summary>Rows dropped (missing response, predictor or group).</summary>
    public int RowsDropped => RowsInData - Observations;

    /// <summary>Number of groups.</summary>
    public required int Groups { get; init; }

    /// <summary>The predictors compared (fixed-effects columns without the intercept).</summary>
    public required IReadOnlyList<string> Terms { get; init; }

    /// <summary>The models, in the slides' order.</summary>
    public required IReadOnlyList<PoolingModel> Models { get; init; }

    /// <summary>The no-pooling fit (one regression per group).</summary>
    public required NoPoolingFit NoPooling { get; init; }

    /// <summary>The distribution of each predictor's estimate over the groups.</summary>
    public required IReadOnlyList<GroupSlopeSummary> GroupSlopes { get; init; }

    /// <summary>ICC of the null model.</summary>
    public required NullModelIcc NullIcc { get; init; }

    /// <summary>Hausman test of the random-intercept model (as fitted in the table, REML) against the within model;
    /// null for GLMs.</summary>
    public HausmanTest? Hausman { get; init; }

    /// <summary>The same test with plm's default random-effects estimate (Swamy–Arora GLS); null for GLMs.</summary>
    public HausmanTest? HausmanSwamyArora { get; init; }

    /// <summary>Wald test that the group means' coefficients are zero in the Mundlak model (the random-intercept model with
    /// the group means of the within-varying predictors added).</summary>
    public MundlakTest? Mundlak { get; init; }

    /// <summary>Likelihood-ratio test of the random slopes, when that model was fitted.</summary>
    public SlopeTest? Slopes { get; init; }

    /// <summary>What the numbers say, in plain language.</summary>
    public required IReadOnlyList<string> Reading { get; init; }

    /// <summary>Notes on how things were computed (rows dropped, groups skipped, scale of the variances).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Warnings of the fits (singular fit, convergence).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>Options of <see cref="PoolingComparison.Compare"/>.</summary>
public sealed record PoolingComparisonOptions
{
    /// <summary>GLM family, or null for least squares / linear mixed models.</summary>
    public GlmFamily? Family { get; init; }

    /// <summary>Link (null: the family's default).</summary>
    public GlmLink? Link { get; init; }

    /// <summary>Progress of the mixed-model fits.</summary>
    public IProgress<FitProgress>? Progress { get; init; }

    /// <summary>Cancels the fits.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>
/// The slides' comparison in one call: full pooling (one regression for all rows), no pooling (one per group),
/// the between estimator (group means), fixed effects (within), random intercepts, random intercepts and slopes, and
/// the Mundlak model (random intercepts with the group means of the predictors), fitted to the same rows; the ICC of the
/// null model; the Hausman test of random against fixed effects (Gaussian) and the Mundlak test, with a plain-language
/// reading. With a GLM family: GLM, per-group GLMs, the fixed-effects GLM with group dummies (the slides'
/// <c>makeFEdummies</c>), and GLMMs.
/// </summary>
public static class PoolingComparison
{
    /// <summary>Fits every model and compares them.</summary>
    /// <param name="formula">The model without the group, e.g. <c>mathach ~ ses</c>.</param>
    /// <param name="data">The data.</param>
    /// <param name="group">The grouping column.</param>
    /// <param name="options">Family, link, progress, cancellation.</param>
    public static PoolingComparisonResult Compare(string formula, Frame data, string group, PoolingComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(group);
        options ??= new PoolingComparisonOptions();
        var ct = options.CancellationToken;
        var terms = FormulaTerms.Parse(formula);
        if (terms.RandomEffects.Count > 0 || terms.Absorbed.Count > 0)
        {
            throw new ModelSpecificationException($"give the formula without random-effects terms or absorbed factors ('{formula}'): the group is --group {group}, and every model is built from it");
        }
        if (!data.Contains(group)) throw new UnknownColumnException(group, data.ColumnNames.ToList());
        var family = options.Family is { Name: "gaussian" } && options.Link is null or { Name: "identity" } ? null : options.Family;
        var link = family is null ? null : options.Link ?? family.DefaultLink;
        var responseKind = family is { Name: "binomial" } ? ResponseKind.Binomial : ResponseKind.Numeric;
        var designOptions = new DesignOptions { Response = responseKind };

        // The rows every model uses: no missing value in the formula's variables or the group.
        var full = DesignBuilder.Build(terms, data, designOptions);
        var g0 = GroupingVariable.FromColumn(data, group, full.RowIndex);
        var (kept, _, _) = GroupingVariable.DropMissing(full, [g0]);
        var rows = kept.RowIndex;
        var frame = rows.Length == data.RowCount ? data : data.Take(rows);
        var design = DesignBuilder.Build(terms, frame, designOptions);
        var grouping = GroupingVariable.FromColumn(frame, group, design.RowIndex);
        int groups = grouping.Levels.Count;
        if (groups < 2) throw new ModelSpecificationException($"'{group}' has {groups} level in the rows used: a comparison of pooling needs groups");
        var predictors = design.X.ColumnNames.Where(c => c != "(Intercept)").ToList();
        if (predictors.Count == 0) throw new ModelSpecificationException($"'{formula}' has no predictor: give at least one, e.g. y ~ x");

        var notes = new List<string>();
        var warnings = new List<string>();
        int dropped = data.RowCount - rows.Length;
        if (dropped > 0) notes.Add($"{dropped} of {data.RowCount} rows have a missing value in the formula's variables or in {group}: every model uses the other {rows.Length}.");
        var (lhs, rhs) = SplitFormula(formula);
        var varying = VaryingTermLabels(design, grouping);

        var models = new List<PoolingModel>();
        NoPoolingFit noPooling;
        HausmanTest? hausman = null, swamy = null;
        MundlakTest? mundlak;
        SlopeTest? slopeTest = null;
        NullModelIcc nullIcc;
        double withinSlopeFirst = double.NaN, betweenSlopeFirst = double.NaN, reSlopeFirst = double.NaN;
        string firstVarying = predictors.FirstOrDefault(p => varying.Columns.Contains(p)) ?? predictors[0];

        if (family is null)
        {
            // full pooling
            var ols = LinearModel.Fit(design);
            models.Add(new PoolingModel("full_pooling", "Full pooling (OLS)", "OLS", formula, Estimates(ols.CoefficientNames, ols.Coefficients, VarianceEstimators.Iid(ols).StandardErrors()),
                double.NaN, ols.Sigma * ols.Sigma, double.NaN, "its residual variance is the total unexplained variance, within and between groups"));
            // no pooling
            noPooling = NoPooling.Fit(design, group, grouping.Codes, grouping.Levels);
            models.Add(NoPoolingRow(noPooling, formula, group, predictors));
            // between
            var between = BetweenEstimator.Fit(design, group, grouping.Codes, groups);
            models.Add(new PoolingModel("between", $"Between ({group} means, OLS)", "between", formula, Estimates(between.CoefficientNames, between.Coefficients, VarianceEstimators.Iid(between).StandardErrors()),
                double.NaN, double.NaN, double.NaN, null));
            betweenSlopeFirst = Find(between.CoefficientNames, between.Coefficients, firstVarying);
            // fixed effects (within)
            var within = Hausman.Within(design, grouping);
            var withinCov = VarianceEstimators.Iid(within);
            models.Add(new PoolingModel("fixed_effects", "Fixed effects (within)", "within", $"{formula} | {group}", Estimates(within.CoefficientNames, within.Coefficients, withinCov.StandardErrors()),
                double.NaN, within.Sigma * within.Sigma, double.NaN,
                varying.Constant.Count > 0 ? $"{string.Join(", ", varying.Constant)} do not vary within {group}s: the within model cannot estimate them" : null));
            withinSlopeFirst = Find(within.CoefficientNames, within.Coefficients, firstVarying);
            // random intercepts
            ct.ThrowIfCancellationRequested();
            string riFormula = $"{lhs} ~ {rhs} + (1 | {group})";
            var ri = Lmm(riFormula, frame, options);
            warnings.AddRange(ri.Warnings.Select(w => $"random intercepts: {w}"));
            var riShares = VarianceDecomposition.Compute(ri);
            models.Add(new PoolingModel("random_intercepts", "Random intercepts (REML)", ri.Method, riFormula, Estimates(ri.FixedEffectNames, ri.FixedEffects, ri.StandardErrors),
                InterceptVariance(ri.VarCorr, group), ri.Sigma * ri.Sigma, riShares.IccAdjusted, null));
            reSlopeFirst = Find(ri.FixedEffectNames, ri.FixedEffects, firstVarying);
            // random intercepts and slopes
            if (varying.Labels.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                string risFormula = $"{lhs} ~ {rhs} + (1 + {string.Join(" + ", varying.Labels)} | {group})";
                var ris = Lmm(risFormula, frame, options);
                warnings.AddRange(ris.Warnings.Select(w => $"random slopes: {w}"));
                var risShares = VarianceDecomposition.Compute(ris);
                models.Add(new PoolingModel("random_slopes", "Random intercepts and slopes (REML)", ris.Method, risFormula, Estimates(ris.FixedEffectNames, ris.FixedEffects, ris.StandardErrors),
                    InterceptVariance(ris.VarCorr, group), ris.Sigma * ris.Sigma, risShares.IccAdjusted,
                    $"variance between groups: of the intercepts (at {string.Join(", ", varying.Labels.Select(l => l + " = 0"))}); the ICC averages over the rows"));
                var cmp = ModelComparison.Compare([ri, ris], RefitPolicy.WhenFixedEffectsDiffer, ct);
                if (cmp.Tests.Count == 1)
                {
                    var t = cmp.Tests[0];
                    slopeTest = new SlopeTest(t.ChiSquare, t.DegreesOfFreedom, t.P, t.BoundaryP ?? double.NaN);
                }
            }
            // Mundlak
            mundlak = null;
            if (varying.Columns.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                var riDesign = ri.Design;
                var (mDesign, means) = MundlakDesign(riDesign, group, varying.Columns, lhs, rhs, notes);
                if (mDesign is not null)
                {
                    var mfit = LinearMixedModel.Fit(mDesign, new LinearMixedModelOptions { Progress = options.Progress, CancellationToken = ct });
                    warnings.AddRange(mfit.Warnings.Select(w => $"Mundlak: {w}"));
                    var mShares = VarianceDecomposition.Compute(mfit);
                    models.Add(new PoolingModel("mundlak", "Mundlak (random intercepts + group means)", mfit.Method, mDesign.FormulaText,
                        Estimates(mfit.FixedEffectNames, mfit.FixedEffects, mfit.StandardErrors), InterceptVariance(mfit.VarCorr, group), mfit.Sigma * mfit.Sigma, mShares.IccAdjusted,
                        "mean(x) is the group mean of x: x's coefficient is then the within effect, mean(x)'s the difference between the between and within effects"));
                    mundlak = WaldOfMeans(mfit.FixedEffectNames, mfit.FixedEffects, mfit.Vcov, means);
                }
                // Hausman: within vs the random-intercept model of the table (REML), and plm's version
                var reCov = Covariance(ri.Vcov, "REML");
                hausman = Hausman.Compare(within.CoefficientNames, within.Coefficients, withinCov, ri.FixedEffectNames, ri.FixedEffects, reCov,
                    $"the random-intercept model of the table ({ri.Method}, lme4)");
                try
                {
                    swamy = Hausman.SwamyArora(design, grouping);
                }
                catch (MultilevelException ex)
                {
                    notes.Add($"plm's Swamy–Arora version of the Hausman test is not defined here: {ex.Message}");
                }
            }
            // ICC of the null model, with its profile interval
            ct.ThrowIfCancellationRequested();
            var nullFit = Lmm($"{lhs} ~ 1 + (1 | {group})", frame, options);
            double tau2 = InterceptVariance(nullFit.VarCorr, group), s2 = nullFit.Sigma * nullFit.Sigma;
            var ci = VarianceDecomposition.ProfileIccInterval(nullFit, 0.95, ct);
            nullIcc = new NullModelIcc(tau2 / (tau2 + s2), ci?.Lower ?? double.NaN, ci?.Upper ?? double.NaN, tau2, s2, "response");
        }
        else
        {
            var l = link!;
            var glm = GeneralizedLinearModel.Fit(design, family, l);
            models.Add(new PoolingModel("full_pooling", $"Full pooling (GLM, {family.Name} {l.Name})", "IRLS", formula, Estimates(glm.CoefficientNames, glm.Coefficients, glm.Covariance().StandardErrors()),
                double.NaN, double.NaN, double.NaN, null));
            noPooling = NoPooling.Fit(design, group, grouping.Codes, grouping.Levels, family, l);
            models.Add(NoPoolingRow(noPooling, formula, group, predictors));
            // fixed effects: the GLM with a dummy per group (the slides' makeFEdummies)
            string feFormula = $"{lhs} ~ {rhs} + factor({group})";
            var feDesign = DesignBuilder.Build(feFormula, frame, designOptions);
            GlmFit? fe = null;
            try
            {
                fe = GeneralizedLinearModel.Fit(feDesign, family, l, new GlmOptions(1e-8, 50, SeparationAction.Warn));
            }
            catch (MultilevelException ex)
            {
                notes.Add($"the fixed-effects GLM with {group} dummies could not be fitted: {ex.Message}");
            }
            if (fe is not null)
            {
                var feSe = fe.Covariance().StandardErrors();
                var feEst = Estimates(fe.CoefficientNames, fe.Coefficients, feSe).Where(e => predictors.Contains(e.Term)).ToList();
                string? feNote = fe.Messages.Any(m => m.Contains("separation", StringComparison.OrdinalIgnoreCase))
                    ? $"some {group}s are all 0 or all 1 (separation): their dummies run off to ±∞ and carry no information on the slopes"
                    : null;
                double perGroup = (double)design.Observations / groups;
                feNote ??= perGroup < 20
                    ? $"only {perGroup.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} rows per {group} on average: the dummy-variable GLM's slopes are biased away from zero (the incidental-parameters problem)"
                    : $"{perGroup.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} rows per {group} on average: the incidental-parameters bias of the dummy-variable GLM is small";
                models.Add(new PoolingModel("fixed_effects", $"Fixed effects ({group} dummies, GLM)", "IRLS", feFormula, feEst, double.NaN, double.NaN, double.NaN, feNote));
                withinSlopeFirst = Find(fe.CoefficientNames, fe.Coefficients, firstVarying);
            }
            double latent = LatentVariance(family, l);
            var glmmOptions = new GeneralizedLinearMixedModelOptions { Link = l, Progress = options.Progress, CancellationToken = ct };
            ct.ThrowIfCancellationRequested();
            string riFormula = $"{lhs} ~ {rhs} + (1 | {group})";
            var ri = GeneralizedLinearMixedModel.Fit(riFormula, frame, family, glmmOptions);
            warnings.AddRange(ri.Warnings.Select(w => $"random intercepts: {w}"));
            double riTau = InterceptVariance(ri.VarCorr, group);
            models.Add(new PoolingModel("random_intercepts", "Random intercepts (GLMM)", ri.Method, riFormula, Estimates(ri.FixedEffectNames, ri.FixedEffects, ri.StandardErrors),
                riTau, latent, riTau / (riTau + latent), null));
            reSlopeFirst = Find(ri.FixedEffectNames, ri.FixedEffects, firstVarying);
            if (varying.Labels.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                string risFormula = $"{lhs} ~ {rhs} + (1 + {string.Join(" + ", varying.Labels)} | {group})";
                try
                {
                    var ris = GeneralizedLinearMixedModel.Fit(risFormula, frame, family, glmmOptions);
                    warnings.AddRange(ris.Warnings.Select(w => $"random slopes: {w}"));
                    double risTau = InterceptVariance(ris.VarCorr, group);
                    models.Add(new PoolingModel("random_slopes", "Random intercepts and slopes (GLMM)", ris.Method, risFormula, Estimates(ris.FixedEffectNames, ris.FixedEffects, ris.StandardErrors),
                        risTau, latent, risTau / (risTau + latent), "variance between groups: of the intercepts (at the predictors = 0)"));
                    double chi = Math.Max(0, ris.LogLikelihood - ri.LogLikelihood) * 2;
                    int df = ris.Theta.Length - ri.Theta.Length;
                    double p = df > 0 ? Probability.ChiSquaredUpper(chi, df) : double.NaN;
                    double bp = df > 0 ? 0.5 * Probability.ChiSquaredUpper(chi, df) + 0.5 * (df > 1 ? Probability.ChiSquaredUpper(chi, df - 1) : (chi > 0 ? 0 : 1)) : double.NaN;
                    slopeTest = new SlopeTest(chi, df, p, bp);
                }
                catch (MultilevelException ex)
                {
                    notes.Add($"random intercepts and slopes could not be fitted: {ex.Message}");
                }
            }
            mundlak = null;
            if (varying.Columns.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                var riDesign = ri.Design;
                var (mDesign, means) = MundlakDesign(riDesign, group, varying.Columns, lhs, rhs, notes);
                if (mDesign is not null)
                {
                    var mfit = GeneralizedLinearMixedModel.Fit(mDesign, family, glmmOptions);
                    warnings.AddRange(mfit.Warnings.Select(w => $"Mundlak: {w}"));
                    double mTau = InterceptVariance(mfit.VarCorr, group);
                    models.Add(new PoolingModel("mundlak", "Mundlak (GLMM + group means)", mfit.Method, mDesign.FormulaText,
                        Estimates(mfit.FixedEffectNames, mfit.FixedEffects, mfit.StandardErrors), mTau, latent, mTau / (mTau + latent),
                        "mean(x) is the group mean of x (the slides' avg.income.expanded): x's coefficient is then the within effect"));
                    mundlak = WaldOfMeans(mfit.FixedEffectNames, mfit.FixedEffects, mfit.Vcov, means);
                }
            }
            ct.ThrowIfCancellationRequested();
            var nullFit = GeneralizedLinearMixedModel.Fit($"{lhs} ~ 1 + (1 | {group})", frame, family, glmmOptions);
            double tau2 = InterceptVariance(nullFit.VarCorr, group);
            nullIcc = new NullModelIcc(tau2 / (tau2 + latent), double.NaN, double.NaN, tau2, latent, double.IsFinite(latent) ? "latent" : "none");
            if (double.IsFinite(latent))
            {
                notes.Add($"{family.Name} {l.Name}: variances and ICCs on the latent scale, where the within-group variance is {(l.Name == "logit" ? "π²/3 = 3.29" : "1")} (the variance of the standard {(l.Name == "logit" ? "logistic" : "normal")} distribution).");
            }
            else notes.Add($"{family.Name} {l.Name}: there is no latent within-group variance, so no ICC is given; the between-group variance is on the scale of the linear predictor.");
            notes.Add("the Hausman test compares estimators that are both consistent under random effects; with a GLM the fixed-effects (dummy) estimator is not (incidental parameters), so the Mundlak test is the test here.");
        }
        foreach (var s in noPooling.Skipped.Take(3)) notes.Add($"no pooling: {group} {s.Level} ({s.Observations} rows) not fitted: {s.Reason}");
        if (noPooling.Skipped.Count > 3) notes.Add($"no pooling: {noPooling.Skipped.Count} {group}s not fitted in all (too small, no variation, separation or no convergence)");

        var slopes = predictors.Select(p => Summarise(noPooling, p)).Where(s => s is not null).Select(s => s!).ToList();
        var reading = Reading(family, group, firstVarying, nullIcc, hausman, mundlak, slopeTest, withinSlopeFirst, betweenSlopeFirst, reSlopeFirst, varying);
        return new PoolingComparisonResult
        {
            Formula = formula,
            Group = group,
            Family = family?.Name ?? "gaussian",
            Link = link?.Name ?? "identity",
            Observations = design.Observations,
            RowsInData = data.RowCount,
            Groups = groups,
            Terms = predictors,
            Models = models,
            NoPooling = noPooling,
            GroupSlopes = slopes,
            NullIcc = nullIcc,
            Hausman = hausman,
            HausmanSwamyArora = swamy,
            Mundlak = mundlak,
            Slopes = slopeTest,
            Reading = reading,
            Notes = notes,
            Warnings = warnings,
        };
    }

    private static LinearMixedModelFit Lmm(string formula, Frame frame, PoolingComparisonOptions options) =>
        LinearMixedModel.Fit(formula, frame, new LinearMixedModelOptions { Progress = options.Progress, CancellationToken = options.CancellationToken });

    /// <summary>"mean(x)" → "x".</summary>
    private static string Unmean(string term) =>
        term.StartsWith("mean(", StringComparison.Ordinal) && term.EndsWith(')') ? term[5..^1] : term;

    private static List<string> Reading(GlmFamily? family, string group, string x, NullModelIcc icc, HausmanTest? hausman, MundlakTest? mundlak,
        SlopeTest? slopes, double within, double between, double re, (IReadOnlyList<string> Labels, IReadOnlyList<string> Columns, IReadOnlyList<string> Constant) varying)
    {
        var r = new List<string>();
        // with several predictors the tests are joint: name them all, and say whose slope the figures are
        bool several = varying.Columns.Count > 1;
        string xs = several ? string.Join(", ", varying.Columns) : x;
        string of = several ? $" of {x}" : "";
        string pct = double.IsFinite(icc.Icc) ? (100 * icc.Icc).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%" : "";
        if (pct.Length > 0)
        {
            string ci = double.IsFinite(icc.Lower) ? $" (95% CI {F(100 * icc.Lower, 1)}–{F(100 * icc.Upper, 1)}%)" : "";
            string scale = icc.Scale == "latent" ? " on the latent scale" : "";
            r.Add($"ICC {F(icc.Icc, 3)}: {pct}{ci} of the variance{scale} lies between {group}s, the rest within them" +
                  (icc.Icc < 0.05 ? " — little clustering; pooling costs little." : " — too much to ignore: full pooling understates the standard errors."));
        }
        if (hausman is not null)
        {
            string test = $"Hausman χ² = {F(hausman.ChiSquared, 2)}, df = {hausman.Df}, {PEq(hausman.PValue)}";
            if (hausman.PValue < 0.05)
            {
                r.Add($"{test}: the {group} effects are correlated with {xs}: the random-effects slope{of} ({F(re, 3)}) is biased" +
                      (double.IsFinite(between) ? $", pulled toward the between-{group} slope ({F(between, 3)})" : "") +
                      $"; use the within estimate ({F(within, 3)}) or add the {group} means (the Mundlak model).");
            }
            else
            {
                r.Add($"{test}: no evidence that the {group} effects are correlated with {xs}; the random-effects estimate{of} ({F(re, 3)}) is consistent and more precise than the within estimate ({F(within, 3)}).");
            }
            if (hausman.Notes.Count > 0) r.Add("Note on the Hausman test: " + string.Join("; ", hausman.Notes));
        }
        else if (mundlak is not null)
        {
            string test = $"Mundlak Wald χ² = {F(mundlak.ChiSquared, 2)}, df = {mundlak.Df}, {PEq(mundlak.PValue)}";
            r.Add(mundlak.PValue < 0.05
                ? $"{test}: the {group} means of {string.Join(", ", mundlak.Terms.Select(t => Unmean(t.Term)))} matter beyond {xs} {(several ? "themselves" : "itself")}: the {group} effects are correlated with {xs}, so the random-intercept slope{of} ({F(re, 3)}) is biased; keep the {group} means in the model (Mundlak) and read {(several ? "the predictors' coefficients" : $"{x}'s coefficient")} as the within effect{(several ? "s" : "")}."
                : $"{test}: no evidence that the {group} effects are correlated with {xs}; the random-intercept model's slope{(several ? "s" : "")} ({(several ? $"{x}: " : "")}{F(re, 3)}) can be used.");
        }
        if (slopes is not null && double.IsFinite(slopes.BoundaryP))
        {
            r.Add(slopes.BoundaryP < 0.05
                ? $"The slopes vary between {group}s (likelihood-ratio χ² = {F(slopes.ChiSquare, 2)}, boundary-corrected {PEq(slopes.BoundaryP)}): keep the random slopes."
                : $"No evidence that the slopes vary between {group}s (likelihood-ratio χ² = {F(slopes.ChiSquare, 2)}, boundary-corrected {PEq(slopes.BoundaryP)}): random intercepts suffice.");
        }
        if (varying.Constant.Count > 0)
        {
            r.Add($"{string.Join(", ", varying.Constant)} {(varying.Constant.Count == 1 ? "is" : "are")} constant within {group}s (a {group}-level predictor): only the pooled and random-effects models estimate {(varying.Constant.Count == 1 ? "it" : "them")}.");
        }
        return r;
    }

    private static PoolingModel NoPoolingRow(NoPoolingFit fit, string formula, string group, IReadOnlyList<string> predictors)
    {
        var est = new List<PooledEstimate>();
        foreach (var p in predictors)
        {
            var s = Summarise(fit, p);
            est.Add(s is null ? new PooledEstimate(p, double.NaN, double.NaN) : new PooledEstimate(p, s.Mean, s.StandardDeviation));
        }
        string method = fit.Method == "IRLS" ? "by-group (IRLS)" : "by-group";
        return new PoolingModel("no_pooling", $"No pooling ({fit.Groups.Count} {group} regressions)", method, $"{formula}, in each {group}", est,
            double.NaN, double.NaN, double.NaN, $"the mean of the {group}s' own estimates, with their standard deviation (not a standard error) in parentheses");
    }

    private static GroupSlopeSummary? Summarise(NoPoolingFit fit, string term)
    {
        int j = -1;
        for (int k = 0; k < fit.CoefficientNames.Count; k++) if (fit.CoefficientNames[k] == term) j = k;
        if (j < 0) return null;
        var v = fit.Groups.Select(g => g.Estimates[j]).Where(double.IsFinite).Order().ToArray();
        if (v.Length == 0) return null;
        double mean = v.Average();
        double sd = v.Length > 1 ? Math.Sqrt(v.Sum(a => (a - mean) * (a - mean)) / (v.Length - 1)) : double.NaN;
        return new GroupSlopeSummary(term, v.Length, mean, sd, v[0], PlotStatistics.QuantileSorted(v, 0.25), PlotStatistics.QuantileSorted(v, 0.5),
            PlotStatistics.QuantileSorted(v, 0.75), v[^1]);
    }

    /// <summary>The fixed-effects term labels (and their columns) that vary within groups; the columns that do not.</summary>
    private static (IReadOnlyList<string> Labels, IReadOnlyList<string> Columns, IReadOnlyList<string> Constant) VaryingTermLabels(ModelDesign design, GroupingVariable group)
    {
        var x = design.X;
        var labels = new List<string>();
        var columns = new List<string>();
        var constant = new List<string>();
        var varyingTerms = new HashSet<int>();
        for (int j = 0; j < x.Columns; j++)
        {
            string name = x.ColumnNames[j];
            if (name == "(Intercept)") continue;
            bool varies = Varies(x.Column(j), group);
            int term = design.Assign.Count == x.Columns ? design.Assign[j] : -1;
            if (varies)
            {
                columns.Add(name);
                if (term > 0) varyingTerms.Add(term);
            }
            else constant.Add(name);
        }
        foreach (int t in varyingTerms.Order()) labels.Add(design.FixedTermLabels[t - 1]);
        if (design.Assign.Count != x.Columns) labels.AddRange(columns);
        return (labels, columns, constant);
    }

    private static bool Varies(ReadOnlySpan<double> column, GroupingVariable group)
    {
        var first = new double[group.Levels.Count];
        Array.Fill(first, double.NaN);
        for (int i = 0; i < column.Length; i++)
        {
            int g = group.Codes[i];
            if (double.IsNaN(first[g])) first[g] = column[i];
            else if (Math.Abs(first[g] - column[i]) > 1e-12 * (1 + Math.Abs(first[g]))) return true;
        }
        return false;
    }

    /// <summary>The random-intercept design with the group means of the within-varying columns added; a mean that is
    /// collinear with the other columns (e.g. the same in every group, as Days in a balanced design) is left out with a
    /// note; null when no mean is left.</summary>
    private static (ModelDesign? Design, IReadOnlyList<string> Means) MundlakDesign(ModelDesign riDesign, string group, IReadOnlyList<string> columns,
        string lhs, string rhs, List<string> notes)
    {
        var term = riDesign.RandomEffects[0];
        var grouping = new GroupingVariable(group, term.Codes.ToArray(), term.Levels);
        var withMeans = Hausman.WithGroupMeans(riDesign, grouping, columns);
        var x = withMeans.X;
        var rank = Numerics.ColumnRank.Check(x.Values, x.Rows, x.Columns);
        var keptMeans = columns.Where(c => !rank.Aliased.Contains(IndexOf(x.ColumnNames, Hausman.MeanName(c)))).ToList();
        var droppedMeans = columns.Except(keptMeans).ToList();
        if (droppedMeans.Count > 0)
        {
            notes.Add($"the {group} means of {string.Join(", ", droppedMeans)} are collinear with the other columns (e.g. the same in every {group}, as in a balanced design): " +
                      $"{(droppedMeans.Count == 1 ? "it is" : "they are")} left out of the Mundlak model; such a predictor has no between-{group} variation, so its within and random-effects estimates agree.");
        }
        if (keptMeans.Count == 0) return (null, []);
        int n = x.Rows;
        var keep = Enumerable.Range(0, x.Columns).Where(j => !rank.Aliased.Contains(j)).ToList();
        var values = new double[(long)n * keep.Count];
        for (int k = 0; k < keep.Count; k++) x.Column(keep[k]).CopyTo(values.AsSpan(k * n, n));
        var matrix = new FixedEffectsMatrix(values, n, [.. keep.Select(j => x.ColumnNames[j])], x.AliasedColumns);
        var design = withMeans with
        {
            X = matrix,
            FormulaText = $"{lhs} ~ {rhs} + {string.Join(" + ", keptMeans.Select(Hausman.MeanName))} + (1 | {group})",
        };
        return (design, keptMeans);
    }

    private static MundlakTest WaldOfMeans(IReadOnlyList<string> names, double[] beta, double[,] vcov, IReadOnlyList<string> columns)
    {
        var idx = columns.Select(c => IndexOf(names, Hausman.MeanName(c))).Where(j => j >= 0).ToArray();
        int k = idx.Length;
        var gamma = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(k, a => beta[idx[a]]);
        var v = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k, (a, b) => vcov[idx[a], idx[b]]);
        double wald = k == 0 ? double.NaN : gamma.DotProduct(v.Solve(gamma));
        return new MundlakTest(wald, k, k == 0 ? double.NaN : Probability.ChiSquaredUpper(wald, k),
            [.. idx.Select(j => (names[j], beta[j], Math.Sqrt(vcov[j, j])))]);
    }

    private static CoefficientCovariance Covariance(double[,] vcov, string type)
    {
        int p = vcov.GetLength(0);
        var m = new double[p * p];
        for (int j = 0; j < p; j++) for (int i = 0; i < p; i++) m[j * p + i] = vcov[i, j];
        return new CoefficientCovariance(type, m, p, double.PositiveInfinity);
    }

    private static List<PooledEstimate> Estimates(IReadOnlyList<string> names, double[] estimates, double[] se)
    {
        var list = new List<PooledEstimate>();
        for (int j = 0; j < names.Count; j++)
        {
            if (names[j] == "(Intercept)") continue;
            list.Add(new PooledEstimate(names[j], estimates[j], se[j]));
        }
        return list;
    }

    private static double InterceptVariance(IReadOnlyList<VarianceComponent> varCorr, string group) =>
        varCorr.FirstOrDefault(v => !v.IsCovariance && v.Group == group && v.Name1 == "(Intercept)")?.VarianceOrCovariance ?? double.NaN;

    private static double LatentVariance(GlmFamily family, GlmLink link) => family.Name == "binomial"
        ? link.Name switch { "logit" => Math.PI * Math.PI / 3, "probit" => 1.0, _ => double.NaN }
        : double.NaN;

    private static double Find(IReadOnlyList<string> names, double[] values, string name)
    {
        int j = IndexOf(names, name);
        return j >= 0 ? values[j] : double.NaN;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        return -1;
    }

    /// <summary>The response and right-hand side of "y ~ rhs".</summary>
    internal static (string Lhs, string Rhs) SplitFormula(string formula)
    {
        int tilde = formula.IndexOf('~', StringComparison.Ordinal);
        if (tilde < 0) throw new ModelSpecificationException($"'{formula}' has no '~': write the model as y ~ x");
        return (formula[..tilde].Trim(), formula[(tilde + 1)..].Trim());
    }

    private static string F(double v, int decimals) => double.IsFinite(v) ? v.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture) : "NA";

    private static string P(double p) => !double.IsFinite(p) ? "NA" : p < 2.2e-16 ? "< 2.2e-16" : CFormat.G(p, 3);

    private static string PEq(double p) => p < 2.2e-16 ? "p < 2.2e-16" : $"p = {P(p)}";
}
