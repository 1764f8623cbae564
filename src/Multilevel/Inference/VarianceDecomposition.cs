using Multilevel.Design;
using Multilevel.Inference.Internals;
using Multilevel.Models;

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
/// <param name="Terms">Each random-effects term's variance and its share of σ²_r + σ²_ε.</param>
/// <param name="ResidualShare">σ²_ε / (σ²_r + σ²_ε).</param>
/// <param name="FixedEffectsVariance">σ²_f.</param>
/// <param name="RandomEffectsVariance">σ²_r.</param>
/// <param name="ResidualVariance">σ²_ε.</param>
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
    IReadOnlyList<string> Notes);

/// <summary>Variance decomposition, ICC and Nakagawa's R² of a linear mixed model, and an interval for the ICC.</summary>
public static class VarianceDecomposition
{
    /// <summary>Decomposes the variance of a fit (see <see cref="VarianceDecompositionResult"/>).</summary>
    public static VarianceDecompositionResult Compute(LinearMixedModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var design = fit.Design;
        var moments = TermMoments.Compute(design);
        double sigma2 = fit.Sigma * fit.Sigma;
        var covariances = TermCovariances(fit);
        var notes = new List<string>();
        var groups = DisplayGroups(design.RandomEffects);
        int n = design.Observations;

        var variances = new double[moments.Length];
        double random = 0;
        for (int k = 0; k < moments.Length; k++)
        {
            variances[k] = moments[k].MeanQuadraticForm(covariances[k]);
            if (design.RandomEffects[k].LevelCount == n)
            {
                notes.Add($"the term of {groups[k]} has one level per observation: it is left out of the random-effects variance, as performance does");
                continue;
            }
            random += variances[k];
        }
        double fixedVariance = FixedPartVariance(fit);
        double within = random + sigma2;
        double total = fixedVariance + random + sigma2;
        var shares = design.RandomEffects.Select((t, k) => new VarianceShare(groups[k], t.ColumnNames, variances[k], variances[k] / (variances.Sum() + sigma2))).ToArray();
        if (fit.IsSingular) notes.Add("the fit is singular (a variance component is zero or a correlation ±1): performance::icc and r2_nakagawa decline to report here");
        var fixedNames = new HashSet<string>(fit.FixedEffectNames, StringComparer.Ordinal);
        foreach (var t in design.RandomEffects)
        {
            foreach (var c in t.ColumnNames.Where(c => c != "(Intercept)" && !fixedNames.Contains(c)))
            {
                notes.Add($"the random slope {c}|{t.GroupName} is not among the fixed effects: its variance is included here; performance::r2_nakagawa leaves it out (and warns)");
            }
        }
        return new VarianceDecompositionResult(
            shares,
            sigma2 / (variances.Sum() + sigma2),
            fixedVariance,
            random,
            sigma2,
            fixedVariance / total,
            (fixedVariance + random) / total,
            random / within,
            random / total,
            notes);
    }

    /// <summary>
    /// A profile-likelihood interval for the adjusted ICC of a model with a single scalar random-effects term
    /// (e.g. <c>(1|school)</c>): there ICC = θ² m / (θ² m + 1) with m = (1/n) Σ zᵢ² is increasing in θ alone, so its
    /// interval is the image of θ's, found from the fit's own criterion (the REML criterion for a REML fit) with σ
    /// and β profiled out. Null for other models (use the parametric bootstrap).
    /// </summary>
    public static ConfidenceInterval? ProfileIccInterval(LinearMixedModelFit fit, double level = 0.95, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var terms = fit.Design.RandomEffects;
        if (terms.Count != 1 || terms[0].Q != 1) return null;
        var context = FitContext.Create(fit);
        var deviance = context.NewDeviance(fit.Criterion);
        double baseDeviance = deviance.Evaluate(fit.Theta);
        double m = TermMoments.Compute(fit.Design)[0].MeanQuadraticForm([1.0]);
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

    internal static string[] DisplayGroups(IReadOnlyList<ReTerm> terms)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new string[terms.Count];
        for (int k = 0; k < terms.Count; k++)
        {
            string g = terms[k].GroupName;
            if (seen.TryGetValue(g, out int count))
            {
                result[k] = $"{g}.{count}";
                seen[g] = count + 1;
            }
            else
            {
                result[k] = g;
                seen[g] = 1;
            }
        }
        return result;
    }
}
