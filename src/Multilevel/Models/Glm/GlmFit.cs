namespace Multilevel.Models.Glm;

/// <summary>
/// A fitted generalized linear model (R's <c>glm</c> object). Immutable. The unscaled covariance is
/// (XᵀWX)⁻¹ from the last IRLS iteration, as <c>summary.glm</c> uses it.
/// </summary>
public sealed record GlmFit
{
    /// <summary>The formula as given.</summary>
    public required string Formula { get; init; }

    /// <summary>Response as written.</summary>
    public required string ResponseName { get; init; }

    /// <summary>The family.</summary>
    public required GlmFamily Family { get; init; }

    /// <summary>The link.</summary>
    public required GlmLink Link { get; init; }

    /// <summary>Always <c>IRLS</c>.</summary>
    public string Method => "IRLS";

    /// <summary>Names of the estimated coefficients.</summary>
    public required IReadOnlyList<string> CoefficientNames { get; init; }

    /// <summary>Estimates, aligned with <see cref="CoefficientNames"/>.</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>Columns not estimable (aliased).</summary>
    public IReadOnlyList<string> AliasedColumns { get; init; } = [];

    /// <summary>(XᵀWX)⁻¹ with the working weights of the last iteration, column-major p × p.</summary>
    public required double[] UnscaledCovariance { get; init; }

    /// <summary>Dispersion: 1 for binomial and Poisson; Pearson χ² / residual df otherwise (R's <c>summary.glm</c>).</summary>
    public required double Dispersion { get; init; }

    /// <summary>Residual deviance.</summary>
    public required double Deviance { get; init; }

    /// <summary>Null deviance (intercept-only model with the same offset, or μ = g⁻¹(offset) without an intercept).</summary>
    public required double NullDeviance { get; init; }

    /// <summary>Observations with a non-zero prior weight.</summary>
    public required int Observations { get; init; }

    /// <summary>Rows in the data before missing values were dropped.</summary>
    public int RowsInData { get; init; }

    /// <summary>Rows dropped for missing values.</summary>
    public int RowsDropped { get; init; }

    /// <summary>Rank (estimated coefficients).</summary>
    public int Rank => Coefficients.Length;

    /// <summary>Residual degrees of freedom n − rank.</summary>
    public int ResidualDf => Observations - Rank;

    /// <summary>Null degrees of freedom n − (intercept ? 1 : 0).</summary>
    public required int NullDf { get; init; }

    /// <summary>AIC as R (family AIC + 2 rank).</summary>
    public required double Aic { get; init; }

    /// <summary>Parameters counted by the log-likelihood (rank, + 1 when the dispersion is estimated).</summary>
    public int LogLikelihoodDf => Rank + (Family.FixedDispersion ? 0 : 1);

    /// <summary>Log-likelihood (R's <c>logLik.glm</c>: df − AIC/2).</summary>
    public double LogLikelihood => LogLikelihoodDf - Aic / 2;

    /// <summary>BIC = −2 logLik + log(n) df.</summary>
    public double Bic => -2 * LogLikelihood + Math.Log(Observations) * LogLikelihoodDf;

    /// <summary>Log-likelihood of the null model (for pseudo R²).</summary>
    public required double NullLogLikelihood { get; init; }

    /// <summary>Pearson χ² = Σ wᵢ (yᵢ − μᵢ)² / V(μᵢ).</summary>
    public required double PearsonChiSquared { get; init; }

    /// <summary>IRLS iterations.</summary>
    public required int Iterations { get; init; }

    /// <summary>True when the deviance criterion was met.</summary>
    public required bool Converged { get; init; }

    /// <summary>Fitted means μ.</summary>
    public required double[] Fitted { get; init; }

    /// <summary>Linear predictor η (including the offset).</summary>
    public required double[] LinearPredictor { get; init; }

    /// <summary>Response y (proportions for binomial counts).</summary>
    public required double[] Response { get; init; }

    /// <summary>Prior weights as IRLS used them (binomial counts: × totals).</summary>
    public required double[] PriorWeights { get; init; }

    /// <summary>Working weights of the last iteration.</summary>
    public required double[] WorkingWeights { get; init; }

    /// <summary>For each observation, its 0-based row in the data (null when fitted from arrays).</summary>
    public int[]? RowIndex { get; init; }

    /// <summary>Messages and warnings (aliased columns, non-convergence …).</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>Cox–Snell pseudo R² = 1 − exp(2 (ℓ₀ − ℓ) / n) (statsmodels' "Pseudo R-squ. (CS)").</summary>
    public double CoxSnellRSquared => 1 - Math.Exp(2 * (NullLogLikelihood - LogLikelihood) / Observations);

    /// <summary>Covariance of the coefficients: dispersion × (XᵀWX)⁻¹ (z tests when the dispersion is fixed,
    /// t tests on the residual df otherwise, as <c>summary.glm</c>).</summary>
    public Inference.CoefficientCovariance Covariance()
    {
        int p = Rank;
        var v = new double[p * p];
        for (int k = 0; k < v.Length; k++) v[k] = Dispersion * UnscaledCovariance[k];
        return new Inference.CoefficientCovariance("iid", v, p, Family.FixedDispersion ? double.PositiveInfinity : ResidualDf);
    }
}
