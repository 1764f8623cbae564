namespace Multilevel.Models;

/// <summary>
/// One row of lme4's <c>as.data.frame(VarCorr(fit))</c>: a variance (<see cref="Name2"/> null), a covariance
/// between two columns of the same term, or the residual variance (<see cref="Group"/> "Residual", both names null).
/// </summary>
/// <param name="Group">Grouping factor as lme4 prints it; a second term of the same factor gets ".1" (R's make.unique).</param>
/// <param name="Name1">First column of the term, e.g. <c>(Intercept)</c>; null for the residual.</param>
/// <param name="Name2">Second column for a covariance row; null for a variance.</param>
/// <param name="VarianceOrCovariance">σ² (ΛΛᵀ) element: variance or covariance.</param>
/// <param name="StandardDeviationOrCorrelation">Square root of a variance, or the correlation for a covariance row.</param>
public sealed record VarianceComponent(
    string Group,
    string? Name1,
    string? Name2,
    double VarianceOrCovariance,
    double StandardDeviationOrCorrelation)
{
    /// <summary>True for the residual row.</summary>
    public bool IsResidual => Name1 is null;

    /// <summary>True for a covariance / correlation row.</summary>
    public bool IsCovariance => Name2 is not null;
}
