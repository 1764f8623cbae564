namespace Multilevel.Models.Linear;

/// <summary>
/// A fitted linear model (OLS, WLS, the between estimator, or the within estimator of a model with
/// absorbed fixed effects). Immutable. Variance estimators (<see cref="Inference.VarianceEstimators"/>)
/// are pure functions of this object, so changing the estimator needs no refit.
/// </summary>
/// <remarks>
/// Quantities follow R's <c>lm</c> / <c>summary.lm</c> and, for absorbed fixed effects, fixest's
/// <c>feols</c>. Only the estimable (non-aliased) coefficients are held; aliased columns are listed in
/// <see cref="AliasedColumns"/> (R's NA coefficients).
/// </remarks>
public sealed record LinearModelFit
{
    /// <summary>The formula as given.</summary>
    public required string Formula { get; init; }

    /// <summary>Response name as written.</summary>
    public required string ResponseName { get; init; }

    /// <summary><c>OLS</c>, <c>WLS</c>, <c>between</c> or <c>within</c> (absorbed fixed effects).</summary>
    public required string Method { get; init; }

    /// <summary>Names of the estimated coefficients (R's <c>model.matrix</c> names).</summary>
    public required IReadOnlyList<string> CoefficientNames { get; init; }

    /// <summary>Estimates, aligned with <see cref="CoefficientNames"/>.</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>Columns whose coefficients are not estimable (linearly dependent on earlier columns).</summary>
    public IReadOnlyList<string> AliasedColumns { get; init; } = [];

    /// <summary>(X̃ᵀ W X̃)⁻¹ for the estimated coefficients, column-major p × p; X̃ is the matrix of
    /// <see cref="Regressors"/>.</summary>
    public required double[] UnscaledCovariance { get; init; }

    /// <summary>The regressors the final least-squares step used, column-major n × p, unweighted: X for
    /// OLS/WLS, the group means for the between estimator, the within-transformed X for absorbed fixed effects.</summary>
    public required double[] Regressors { get; init; }

    /// <summary>Response values of the final least-squares step (the within-transformed y for absorbed
    /// fixed effects; with an offset, y − offset).</summary>
    public required double[] WorkingResponse { get; init; }

    /// <summary>Residuals y − ŷ (unweighted).</summary>
    public required double[] Residuals { get; init; }

    /// <summary>Fitted values ŷ (including the offset and, for absorbed fixed effects, the fixed effects).</summary>
    public required double[] Fitted { get; init; }

    /// <summary>Prior weights, or null (all 1).</summary>
    public double[]? Weights { get; init; }

    /// <summary>Number of observations with a non-zero weight (R's n).</summary>
    public required int Observations { get; init; }

    /// <summary>Number of rows of the data before missing values were dropped.</summary>
    public int RowsInData { get; init; }

    /// <summary>For each observation of the fit, its 0-based row in the data (null when fitted from arrays).</summary>
    public int[]? RowIndex { get; init; }

    /// <summary>Rows dropped for missing values (and, for absorbed fixed effects, singletons).</summary>
    public int RowsDropped { get; init; }

    /// <summary>Rank of the regressor matrix (number of estimated coefficients).</summary>
    public int Rank => Coefficients.Length;

    /// <summary>Parameters absorbed as fixed effects (levels counted, redundancies removed); 0 without absorption.</summary>
    public int AbsorbedParameters { get; init; }

    /// <summary>Residual degrees of freedom: n − rank − absorbed parameters.</summary>
    public int ResidualDf => Observations - Rank - AbsorbedParameters;

    /// <summary>True when the model has an intercept (explicit, or absorbed in fixed effects).</summary>
    public required bool HasIntercept { get; init; }

    /// <summary>Weighted residual sum of squares Σ wᵢ eᵢ².</summary>
    public required double ResidualSumOfSquares { get; init; }

    /// <summary>Total sum of squares used for R²: Σ wᵢ (yᵢ − ȳ_w)² with an intercept, else Σ wᵢ yᵢ² (offset removed).</summary>
    public required double TotalSumOfSquares { get; init; }

    /// <summary>Residual standard deviation √(RSS / residual df).</summary>
    public double Sigma => Math.Sqrt(ResidualSumOfSquares / ResidualDf);

    /// <summary>R² (R's <c>summary.lm</c>; for absorbed fixed effects fixest's overall R²).</summary>
    public double RSquared => 1 - ResidualSumOfSquares / TotalSumOfSquares;

    /// <summary>Adjusted R² with the same denominator degrees of freedom as R.</summary>
    public double AdjustedRSquared
    {
        get
        {
            int dfInt = HasIntercept ? 1 : 0;
            return 1 - (1 - RSquared) * ((Observations - dfInt) / (double)ResidualDf);
        }
    }

    /// <summary>Numerator degrees of freedom of the overall F test.</summary>
    public required int FDf1 { get; init; }

    /// <summary>Overall F statistic: all coefficients except the intercept are zero (for absorbed fixed
    /// effects: the non-absorbed coefficients are zero, the fixed effects kept).</summary>
    public required double FStatistic { get; init; }

    /// <summary>Denominator degrees of freedom of the F test (residual df).</summary>
    public int FDf2 => ResidualDf;

    /// <summary>P-value of the overall F test.</summary>
    public double FPValue => Inference.Probability.FUpper(FStatistic, FDf1, FDf2);

    /// <summary>Log-likelihood at the estimates with σ² = RSS/n (R's <c>logLik.lm</c>).</summary>
    public required double LogLikelihood { get; init; }

    /// <summary>Parameters counted by the log-likelihood: rank + absorbed parameters + 1 (σ), as R.</summary>
    public int LogLikelihoodDf => Rank + AbsorbedParameters + 1;

    /// <summary>AIC = −2 logLik + 2 df (R's convention: σ counted).</summary>
    public double Aic => -2 * LogLikelihood + 2 * LogLikelihoodDf;

    /// <summary>BIC = −2 logLik + log(n) df (R's convention: σ counted).</summary>
    public double Bic => -2 * LogLikelihood + Math.Log(Observations) * LogLikelihoodDf;

    /// <summary>Condition number of the (weighted) regressor matrix: ratio of its largest to smallest
    /// singular value, as statsmodels' <c>condition_number</c> (√ of the eigenvalue ratio of XᵀX).</summary>
    public required double ConditionNumber { get; init; }

    /// <summary>Information on absorbed fixed effects, when the model has any.</summary>
    public AbsorbedFixedEffectsInfo? Absorbed { get; init; }

    /// <summary>Messages about the fit (aliased columns, dropped rows, singletons ...).</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
}

/// <summary>What a within (absorbed fixed effects) fit absorbed and how the projection converged.</summary>
/// <param name="Factors">The absorbed factors as used (after dropping singletons), with their codes per used row.</param>
/// <param name="ParametersPerFactor">Parameters counted for each factor (the first its levels; later ones
/// their levels minus the redundancies found, see <see cref="FixedEffects.AbsorbedFixedEffects"/>).</param>
/// <param name="SingletonsDropped">Observations dropped because they were alone in a level of some factor.</param>
/// <param name="Iterations">Largest number of projection iterations over the variables.</param>
/// <param name="Converged">True when every variable met the projection tolerance.</param>
/// <param name="WithinRSquared">R² of the within-transformed regression (fixest's within R²).</param>
public sealed record AbsorbedFixedEffectsInfo(
    IReadOnlyList<Design.AbsorbedFactor> Factors,
    IReadOnlyList<int> ParametersPerFactor,
    int SingletonsDropped,
    int Iterations,
    bool Converged,
    double WithinRSquared);
