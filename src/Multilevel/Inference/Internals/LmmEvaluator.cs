using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Inference.Internals;

/// <summary>
/// The quantities of a linear mixed model that inference needs at a given θ, read off the blocked factor of a
/// <see cref="ProfiledDeviance"/> (no work per row): the deviance at an explicit σ (ML, or REML as lmerTest's
/// <c>devfun_vp</c>), β̂(θ), (R_XᵀR_X)⁻¹, and the ML deviance with one fixed effect held at a value (the other
/// fixed effects and σ profiled out). Not thread-safe: one per thread.
/// </summary>
internal sealed class LmmEvaluator
{
    public LmmEvaluator(ProfiledDeviance deviance)
    {
        Deviance = deviance;
    }

    public ProfiledDeviance Deviance { get; }

    public double Observations => Deviance.Gram.Observations;

    public int FixedEffectCount => Deviance.Gram.Layout.FixedEffectCount;

    /// <summary>Factors L at θ (every block, for the solves); returns the profiled criterion of <see cref="Deviance"/>.</summary>
    public double Update(ReadOnlySpan<double> theta) => Deviance.EvaluateFull(theta);

    /// <summary>
    /// −2 log-likelihood at (θ, σ) with β at its conditional optimum β̂(θ): log|L_Z|² − Σ log w + r²/σ² + n log(2πσ²).
    /// </summary>
    public double MlDeviance(ReadOnlySpan<double> theta, double sigma)
    {
        Deviance.Evaluate(theta);
        double s2 = sigma * sigma;
        double n = Observations;
        return Deviance.LogDeterminantZ - Deviance.Gram.SumLogWeights + Deviance.PenalizedResidualSumOfSquares / s2 + n * Math.Log(2 * Math.PI * s2);
    }

    /// <summary>
    /// The REML criterion at (θ, σ): log|L_Z|² + log|R_X|² − Σ log w + r²/σ² + (n − p) log(2πσ²) (lmerTest's
    /// <c>devfun_vp</c>, which leaves out the constant Σ log w).
    /// </summary>
    public double RemlDeviance(ReadOnlySpan<double> theta, double sigma)
    {
        Deviance.Evaluate(theta);
        double s2 = sigma * sigma;
        double nmp = Observations - FixedEffectCount;
        return Deviance.LogDeterminantZ + Deviance.LogDeterminantX - Deviance.Gram.SumLogWeights
            + Deviance.PenalizedResidualSumOfSquares / s2 + nmp * Math.Log(2 * Math.PI * s2);
    }

    /// <summary>The deviance of the criterion at (θ, σ).</summary>
    public double DevianceAt(LmmCriterion criterion, ReadOnlySpan<double> theta, double sigma) =>
        criterion == LmmCriterion.Reml ? RemlDeviance(theta, sigma) : MlDeviance(theta, sigma);

    /// <summary>β̂ at the last update.</summary>
    public double[] FixedEffects() => PlsSolution.FixedEffects(Deviance.Factor, FixedEffectCount);

    /// <summary>(R_XᵀR_X)⁻¹ at the last update, p × p column-major.</summary>
    public double[] UnscaledCovariance() => PlsSolution.UnscaledCovariance(Deviance.Factor, FixedEffectCount);

    /// <summary>Element (j, j) of (R_XᵀR_X)⁻¹ at the last update: ‖L_XX⁻¹ e_j‖².</summary>
    public double UnscaledVariance(int j)
    {
        var f = Deviance.Factor;
        int p = FixedEffectCount;
        var e = new double[p];
        e[j] = 1;
        // forward solve with the p × p X block of L (lower), read entry by entry
        for (int r = 0; r < p; r++)
        {
            double s = e[r];
            for (int c = 0; c < r; c++) s -= f.XyEntry(r, c) * e[c];
            e[r] = s / f.XyEntry(r, r);
        }
        double sum = 0;
        for (int i = 0; i < p; i++) sum += e[i] * e[i];
        return sum;
    }

    /// <summary>
    /// The ML deviance at θ with β_j fixed at <paramref name="value"/> and the other fixed effects and σ profiled
    /// out: log|L_Z|² − Σ log w + n (1 + log(2π r²_j/n)), where r²_j = r² + (value − β̂_j)² / [(R_XᵀR_X)⁻¹]_jj is the
    /// penalised residual sum of squares with β_j constrained (a Schur complement of the PLS system).
    /// </summary>
    public double MlDevianceWithFixedEffect(ReadOnlySpan<double> theta, int j, double value)
    {
        Deviance.EvaluateFull(theta);
        var beta = FixedEffects();
        double v = UnscaledVariance(j);
        double d = value - beta[j];
        double r2 = Deviance.PenalizedResidualSumOfSquares + d * d / v;
        double n = Observations;
        return Deviance.LogDeterminantZ - Deviance.Gram.SumLogWeights + n * (1 + Math.Log(2 * Math.PI * r2 / n));
    }
}
