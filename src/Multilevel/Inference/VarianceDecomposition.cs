using Multilevel.Design;
using Multilevel.Inference.Internals;
using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Inference;

/// <summary>
/// The variance one random-effects term adds to an observation, on average over the observations:
/// v = (1/n) Σᵢ zᵢᵀ Σ zᵢ (Johnson 2014), which for a random intercept is its variance τ².
/// </summary>
/// <param name="Group">The grouping factor as lme4's VarCorr shows it (<c>schoolid</c>, <c>Subject.1</c>).</param>
/// <param name="Columns">The term's columns (<c>(Intercept)</c>, <c>Days</c>).</param>
/// <param name="Variance">v, the mean variance the term adds to an observation.</param>
/// <param name="Share">v divided by the total variance of an observation (random-effects terms + residual, fixed part excluded).</param>
public sealed record VarianceShare(string Group, IReadOnlyList<string> Columns, double Variance, double Share);

/// <summary>
/// The variance decomposition of a linear mixed model (R's <c>performance::icc</c> and
/// <c>performance::r2_nakagawa</c>, after Nakagawa and Schielzeth 2013, Johnson 2014, Nakagawa et al. 2017):
/// σ²_f = var(Xβ̂) (n − 1 denominator), σ²_r = Σ over terms of (1/n) Σᵢ zᵢᵀ Σₖ zᵢ, σ²_ε = σ̂²;
/// R²_marginal = σ²_f / (σ²_f + σ²_r + σ²_ε), R²_conditional = (σ²_f + σ²_r) / (…),
/// ICC_adjusted = σ²_r / (σ²_r + σ²_ε), ICC_conditional = σ²_r / (σ²_f + σ²_r + σ²_ε).
/// </summary>
/// <param name="Terms">Each random-effects term's variance and its share of σ²_r + σ²_ε (an observation-level term of a GLMM counts in σ²_ε).</param>
/// <param name="ResidualShare">σ²_ε / (σ²_r + σ²_ε).</param>
/// <param name="FixedEffectsVariance">σ²_f.</param>
/// <param name="RandomEffectsVariance">σ²_r.</param>
/// <param name="ResidualVariance">σ²_ε: σ̂² for an LMM; for a GLMM the distribution-specific variance plus dispersion.</param>
/// <param name="R2Marginal">Nakagawa's marginal R² (fixed effects).</param>
/// <param name="R2Conditional">Nakagawa's conditional R² (fixed and random effects).</param>
/// <param name="IccAdjusted">The adjusted ICC: random-effects share of the variance not explained by fixed effects.</param>
/// <param name="IccConditional">The conditional ICC: random-effects share of the total variance, fixed part included.</param>
/// <param name="Notes">Where the numbers need care (singular fit; terms left out as performance does).</param>
public sealed record VarianceDecompositionResult(
    IReadOnlyList<VarianceShare> Terms,
    double ResidualShare,
    double FixedEffectsVariance,
    double RandomEffectsVariance,
    double ResidualVariance,
    double R2Marginal,
    double R2Conditional,
    double IccAdjusted,
    double IccConditional,
    IReadOnlyList<string> Notes)
{
    /// <summary>The distribution-specific variance (σ² for an LMM; π²/3, 1, π²/6 or log(1 + 1/λ) for a GLMM).</summary>
    public double DistributionVariance { get; init; }

    /// <summary>The variance of observation-level random effects counted in the residual (GLMMs; 0 otherwise).</summary>
    public double DispersionVariance { get; init; }

    /// <summary>Poisson GLMMs: the intercept β₀ of the null model (response ~ 1 + the random terms) behind λ.</summary>
    public double? NullModelIntercept { get; init; }

    /// <summary>Poisson GLMMs: −2 log-likelihood of the null model.</summary>
    public double? NullModelDeviance { get; init; }
}

/// <summary>How the distribution-specific variance of a Poisson GLMM (log link) is estimated.</summary>
public enum PoissonMeanEstimate
{
    /// <summary>
    /// λ = exp(β₀) of the null model (response ~ 1 + the random terms), as performance 0.10.2 / insight 0.19.0 (the
    /// project's reference versions). The default.
    /// </summary>
    NullModelIntercept,

    /// <summary>λ = exp(β₀ + σ²_τ/2) of the null model, the mean Nakagawa et al. (2017) give (later versions of insight).</summary>
    NullModelMean,
}

/// <summary>Variance decomposition, ICC and Nakagawa's R² of linear and generalized linear mixed models, and an interval for the ICC.</summary>
/// <remarks>
/// The random-effects variance follows performance: σ²_r sums, over the terms whose grouping factor does not have one
/// level per observation, (1/n) Σᵢ zᵢᵀ Σₖ zᵢ over the term's columns that are also fixed-effects columns (a random
/// slope that is not a fixed effect is left out, as performance does, with a note); a term with one level per
/// observation is an observation-level effect, counted as dispersion (GLMMs) or left out (LMMs).
/// </remarks>
public static class VarianceDecomposition
{
    /// <summary>Decomposes the variance of a linear mixed model (see <see cref="VarianceDecompositionResult"/>).</summary>
    public static VarianceDecompositionResult Compute(LinearMixedModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double sigma2 = fit.Sigma * fit.Sigma;
        var notes = new List<string>();
        if (fit.IsSingular) notes.Add("the fit is singular (a variance component is zero or a correlation ±1): performance::icc and r2_nakagawa decline to report the random-effects variance here");
        if (!fit.RowValuesAvailable) return FromSums(fit, sigma2, notes);
        var covariances = TermCovariances(fit.Design.RandomEffects, fit.Theta, fit.Sigma);
        return Decompose(fit.Design, fit.FixedEffects, fit.FixedEffectNames, covariances, sigma2, gaussian: true, notes);
    }

    /// <summary>
    /// The decomposition of a fit from sums (a database or a stream): the terms' mean z zᵀ, XᵀX and the column sums
    /// of X that the fit kept from its Gram matrix replace the pass over the rows; the same quantities, summed in
    /// another order.
    /// </summary>
    private static VarianceDecompositionResult FromSums(LinearMixedModelFit fit, double sigma2, List<string> notes)
    {
        var m = fit.Moments ?? throw new RowValuesUnavailableException(
            fit.HasPriorWeights ? "the unweighted moments of the design (the sums are weighted)" : "the moments of the design", fit.DataSource);
        if (m.ColumnSums is null)
        {
            throw new RowValuesUnavailableException("the mean of the fixed-effects predictions (the model has no intercept, fixed or random, whose sums would give it)", fit.DataSource);
        }
        var terms = m.Terms;
        var mask = ColumnMask(terms, fit.FixedEffectNames);
        var moments = terms.Select((t, k) => TermMoments.FromMean(m.TermMeans[k], t.Q, mask[k])).ToArray();
        var covariances = TermCovariances(terms, fit.Theta, fit.Sigma);
        double fixedVariance = FixedPartVariance(m.CrossProducts, m.ColumnSums, fit.FixedEffects, m.Observations);
        return Decompose(terms, checked((int)m.Observations), moments, fixedVariance, fit.FixedEffectNames, covariances, sigma2, gaussian: true, notes);
    }

    /// <summary>var(Xβ̂) (n − 1 denominator) from XᵀX and Σ xᵢ: (βᵀXᵀXβ − (βᵀΣxᵢ)²/n)/(n − 1); exactly 0 when only the
    /// intercept is non-zero, as R's var of a constant.</summary>
    private static double FixedPartVariance(double[] xtx, double[] sums, ReadOnlySpan<double> beta, long n)
    {
        int p = beta.Length;
        if (n < 2) return 0.0;
        double quadratic = 0, linear = 0;
        for (int c = 0; c < p; c++)
        {
            double bc = beta[c];
            linear += sums[c] * bc;
            for (int r = 0; r < p; r++) quadratic += beta[r] * xtx[c * p + r] * bc;
        }
        double v = (quadratic - linear * linear / n) / (n - 1);
        // a constant predictor: every β but the intercept's is 0 (the intercept column has XᵀX = n and Σx = n)
        bool constant = true;
        for (int j = 0; j < p; j++)
        {
            if (beta[j] != 0 && !(xtx[j * p + j] == n && sums[j] == n)) constant = false;
        }
        return constant ? 0.0 : Math.Max(v, 0.0);
    }

    /// <summary>
    /// Decomposes the variance of a generalized linear mixed model on the latent (link) scale, as
    /// performance::r2_nakagawa and icc (Nakagawa et al. 2017): the residual variance is the distribution-specific
    /// variance — π²/3 (logit), 1 (probit), π²/6 (cloglog) for binomial models; log(1 + 1/λ) for Poisson models with
    /// the log link (lognormal approximation), λ from the null model response ~ 1 + (the random terms), fitted here —
    /// plus the variance of observation-level random effects (dispersion).
    /// </summary>
    /// <exception cref="ModelSpecificationException">The family and link have no distribution-specific variance here.</exception>
    public static VarianceDecompositionResult Compute(Multilevel.Models.Glmm.GeneralizedLinearMixedModelFit fit, PoissonMeanEstimate poissonMean = PoissonMeanEstimate.NullModelIntercept, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var notes = new List<string>();
        var terms = fit.Design.RandomEffects;
        var covariances = TermCovariances(terms, fit.Theta, 1.0);
        double distribution;
        double? nullIntercept = null, nullDeviance = null;
        string family = fit.Family.Name, link = fit.Link.Name;
        if (family == "binomial")
        {
            distribution = link switch
            {
                "logit" => Math.PI * Math.PI / 3,
                "probit" => 1.0,
                "cloglog" => Math.PI * Math.PI / 6,
                _ => throw new ModelSpecificationException($"no distribution-specific variance for the binomial family with the {link} link (logit, probit and cloglog have one)"),
            };
            if (fit.Design.Response.Trials is not null)
            {
                notes.Add("binomial counts (cbind): the distribution-specific variance is π²/3 per observation as performance 0.10.2; later versions divide it by the mean number of trials");
            }
        }
        else if (family == "poisson" && link == "log")
        {
            var nullDesign = fit.Design with
            {
                X = new Multilevel.Design.FixedEffectsMatrix([.. Enumerable.Repeat(1.0, fit.Design.Observations)], fit.Design.Observations, ["(Intercept)"]),
                FormulaText = $"{fit.ResponseName} ~ 1 + (the random terms of {fit.Formula})",
            };
            var nullFit = Multilevel.Models.Glmm.GeneralizedLinearMixedModel.Fit(nullDesign, fit.Family,
                new Multilevel.Models.Glmm.GeneralizedLinearMixedModelOptions { Link = fit.Link, CancellationToken = cancellationToken });
            double lambda = Math.Exp(nullFit.FixedEffects[0]);
            nullIntercept = nullFit.FixedEffects[0];
            nullDeviance = -2 * nullFit.LogLikelihood;
            if (!nullFit.Converged) notes.Add("the null model behind λ did not converge: " + string.Join("; ", nullFit.Warnings));
            if (poissonMean == PoissonMeanEstimate.NullModelMean)
            {
                var nullCov = TermCovariances(terms, nullFit.Theta, 1.0);
                var nullMoments = TermMoments.Compute(nullDesign, ColumnMask(terms, nullDesign.X.ColumnNames));
                double nullRandom = 0;
                for (int k = 0; k < terms.Count; k++)
                {
                    if (terms[k].LevelCount != nullDesign.Observations) nullRandom += nullMoments[k].MeanQuadraticForm(nullCov[k]);
                }
                lambda = Math.Exp(nullFit.FixedEffects[0] + 0.5 * nullRandom);
            }
            distribution = Math.Log(1 + 1 / lambda);
            if (lambda < 6) notes.Add(FormattableString.Invariant($"λ = {lambda:G3} (the null model's mean count) is small: the lognormal approximation of the distribution-specific variance may be poor (performance warns below 6)"));
        }
        else
        {
            throw new ModelSpecificationException($"no distribution-specific variance for the {family} family with the {link} link: R² and ICC are defined here for binomial (logit, probit, cloglog) and Poisson (log) GLMMs");
        }
        if (fit.IsSingular) notes.Add("the fit is singular (a variance component is zero or a correlation ±1): performance::icc and r2_nakagawa decline to report the random-effects variance here");
        return Decompose(fit.Design, fit.FixedEffects, fit.FixedEffectNames, covariances, distribution, gaussian: false, notes) with
        {
            NullModelIntercept = nullIntercept,
            NullModelDeviance = nullDeviance,
        };
    }

    private static VarianceDecompositionResult Decompose(Multilevel.Design.ModelDesign design, double[] beta, IReadOnlyList<string> fixedNames,
        double[][] covariances, double distribution, bool gaussian, List<string> notes)
    {
        var terms = design.RandomEffects;
        var moments = TermMoments.Compute(design, ColumnMask(terms, fixedNames));
        return Decompose(terms, design.Observations, moments, FixedPartVariance(design.X, beta), fixedNames, covariances, distribution, gaussian, notes);
    }

    private static VarianceDecompositionResult Decompose(IReadOnlyList<Multilevel.Design.ReTerm> terms, int n, TermMoments[] moments, double fixedVariance,
        IReadOnlyList<string> fixedNames, double[][] covariances, double distribution, bool gaussian, List<string> notes)
    {
        var groups = MixedModelTables.DisplayGroups(terms);
        var variances = new double[terms.Count];
        double random = 0, dispersion = 0;
        for (int k = 0; k < terms.Count; k++)
        {
            variances[k] = moments[k].MeanQuadraticForm(covariances[k]);
            if (terms[k].LevelCount == n)
            {
                if (gaussian)
                {
                    notes.Add($"the term of {groups[k]} has one level per observation: it is left out of the random-effects variance, as performance does");
                }
                else
                {
                    dispersion += variances[k];
                    notes.Add($"the term of {groups[k]} has one level per observation: its variance counts as dispersion, part of the residual variance (as performance)");
                }
                continue;
            }
            random += variances[k];
        }
        var fixedSet = new HashSet<string>(fixedNames, StringComparer.Ordinal);
        foreach (var t in terms)
        {
            foreach (var c in t.ColumnNames.Where(c => c != "(Intercept)" && !fixedSet.Contains(c)))
            {
                notes.Add($"the random slope {c}|{t.GroupName} is not a fixed effect: its variance is left out, as performance does (which warns that this inflates the conditional R²); add {c} to the fixed effects");
            }
        }
        double residual = distribution + dispersion;
        double within = random + residual;
        double total = fixedVariance + random + residual;
        double termTotal = variances.Where((_, k) => terms[k].LevelCount != n).Sum() + residual;
        var shares = terms.Select((t, k) => new VarianceShare(groups[k], t.ColumnNames, variances[k], variances[k] / termTotal)).ToArray();
        return new VarianceDecompositionResult(
            shares,
            residual / termTotal,
            fixedVariance,
            random,
            residual,
            fixedVariance / total,
            (fixedVariance + random) / total,
            random / within,
            random / total,
            notes)
        {
            DistributionVariance = distribution,
            DispersionVariance = dispersion,
        };
    }

    /// <summary>Per term, which columns count: those that are fixed-effects columns, and the intercept (performance's rule).</summary>
    private static bool[][] ColumnMask(IReadOnlyList<Multilevel.Design.ReTerm> terms, IReadOnlyList<string> fixedNames)
    {
        var set = new HashSet<string>(fixedNames, StringComparer.Ordinal) { "(Intercept)" };
        return [.. terms.Select(t => t.ColumnNames.Select(set.Contains).ToArray())];
    }

    /// <summary>
    /// A profile-likelihood interval for the adjusted ICC of a model with a single scalar random-effects term
    /// (e.g. <c>(1|school)</c>): there ICC = θ² m / (θ² m + 1) with m = (1/n) Σ zᵢ² is increasing in θ alone, so its
    /// interval is the image of θ's, found from the fit's own criterion (the REML criterion for a REML fit) with σ
    /// and β profiled out. Null for other models (use the parametric bootstrap) and for fits from weighted sums.
    /// </summary>
    public static ConfidenceInterval? ProfileIccInterval(LinearMixedModelFit fit, double level = 0.95, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var terms = fit.RowValuesAvailable ? fit.Design.RandomEffects : fit.SumsTerms;
        if (terms.Count != 1 || terms[0].Q != 1) return null;
        double m;
        if (fit.RowValuesAvailable) m = TermMoments.Compute(fit.Design, [[true]])[0].MeanQuadraticForm([1.0]);
        else if (fit.Moments is { } sums) m = sums.TermMeans[0][0];
        else return null;   // weighted sums: no unweighted moments
        var context = FitContext.Create(fit);
        var deviance = context.NewDeviance(fit.Criterion);
        double baseDeviance = deviance.Evaluate(fit.Theta);
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        double thetaHat = fit.Theta[0];
        var warnings = new List<string>();
        double Zeta(double theta)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double d = deviance.Evaluate([theta]) - baseDeviance;
            return Math.Sign(theta - thetaHat) * Math.Sqrt(Math.Max(0, d));
        }
        var (lo, hi) = ProfileCurve.Interval(Zeta, thetaHat, 0, double.PositiveInfinity, 0.05 * Math.Max(thetaHat, 0.01), z);
        double Icc(double theta) => double.IsPositiveInfinity(theta) ? 1.0 : theta * theta * m / (theta * theta * m + 1);
        return new ConfidenceInterval("icc_adjusted", Icc(thetaHat), Icc(lo), Icc(hi));
    }

    /// <summary>σ²_f = var(Xβ̂) with the n − 1 denominator (R's <c>var</c>).</summary>
    internal static double FixedPartVariance(LinearMixedModelFit fit) => FixedPartVariance(fit.Design.X, fit.FixedEffects);

    internal static double FixedPartVariance(FixedEffectsMatrix x, ReadOnlySpan<double> beta)
    {
        int n = x.Rows;
        var eta = new double[n];
        for (int j = 0; j < beta.Length; j++)
        {
            var col = x.Column(j);
            double b = beta[j];
            for (int i = 0; i < n; i++) eta[i] += col[i] * b;
        }
        if (eta.AsSpan().IndexOfAnyExcept(eta.Length > 0 ? eta[0] : 0) < 0) return 0.0;   // constant: exactly 0, as R
        double mean = 0;
        for (int i = 0; i < n; i++) mean += eta[i];
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (eta[i] - mean) * (eta[i] - mean);
        return n > 1 ? ss / (n - 1) : 0.0;
    }

    /// <summary>Each term's covariance matrix Σₖ = σ² λₖ λₖᵀ (q × q, column-major).</summary>
    internal static double[][] TermCovariances(LinearMixedModelFit fit) =>
        TermCovariances(fit.Design.RandomEffects, fit.Theta, fit.Sigma);

    internal static double[][] TermCovariances(IReadOnlyList<ReTerm> terms, ReadOnlySpan<double> theta, double sigma)
    {
        var result = new double[terms.Count][];
        int t = 0;
        double s2 = sigma * sigma;
        for (int k = 0; k < terms.Count; k++)
        {
            int q = terms[k].Q;
            var lambda = new double[q * q];
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++) lambda[c * q + r] = theta[t++];
            }
            var cov = new double[q * q];
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double v = 0;
                    for (int m = 0; m <= Math.Min(r, c); m++) v += lambda[m * q + r] * lambda[m * q + c];
                    cov[c * q + r] = s2 * v;
                }
            }
            result[k] = cov;
        }
        return result;
    }
}
