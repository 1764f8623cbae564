namespace Multilevel.Inference;

/// <summary>One row of a coefficient table.</summary>
/// <param name="Name">Coefficient name (R's <c>model.matrix</c> column name).</param>
/// <param name="Estimate">Point estimate.</param>
/// <param name="StandardError">Standard error under the table's variance estimator.</param>
/// <param name="Statistic">Estimate / standard error.</param>
/// <param name="PValue">Two-sided p-value (t or normal).</param>
/// <param name="Lower">Lower end of the confidence interval.</param>
/// <param name="Upper">Upper end of the confidence interval.</param>
public sealed record CoefficientRow(
    string Name, double Estimate, double StandardError, double Statistic, double PValue, double Lower, double Upper);

/// <summary>
/// Estimates with standard errors, test statistics, p-values and Wald intervals under one variance
/// estimator: what every summary and regression table reads.
/// </summary>
/// <param name="Rows">One row per coefficient.</param>
/// <param name="StatisticName"><c>t</c> (t distribution with <see cref="DegreesOfFreedom"/>) or <c>z</c> (normal).</param>
/// <param name="DegreesOfFreedom">Degrees of freedom of the t tests; ∞ for z.</param>
/// <param name="Level">Confidence level of the intervals (0.95).</param>
/// <param name="VarianceType">The variance estimator (<c>iid</c>, <c>HC1</c>, <c>CR1(g)</c> …).</param>
public sealed record CoefficientTable(
    IReadOnlyList<CoefficientRow> Rows, string StatisticName, double DegreesOfFreedom, double Level, string VarianceType)
{
    /// <summary>Builds the table from estimates and a covariance. With infinite
    /// <see cref="CoefficientCovariance.DegreesOfFreedom"/> the tests are z tests.</summary>
    public static CoefficientTable Build(
        IReadOnlyList<string> names, IReadOnlyList<double> estimates, CoefficientCovariance covariance, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(covariance);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "level must be in (0, 1)");
        double df = covariance.DegreesOfFreedom;
        bool z = double.IsPositiveInfinity(df);
        double q = z ? Probability.NormalQuantile(0.5 + level / 2) : Probability.StudentTQuantile(0.5 + level / 2, df);
        var se = covariance.StandardErrors();
        var rows = new CoefficientRow[names.Count];
        for (int j = 0; j < rows.Length; j++)
        {
            double b = estimates[j], s = se[j];
            double stat = b / s;
            double p = z ? Probability.NormalTwoSided(stat) : Probability.StudentTTwoSided(stat, df);
            rows[j] = new CoefficientRow(names[j], b, s, stat, p, b - q * s, b + q * s);
        }
        return new CoefficientTable(rows, z ? "z" : "t", df, level, covariance.Type);
    }

    /// <summary>The row of a coefficient by name, or null.</summary>
    public CoefficientRow? Find(string name) => Rows.FirstOrDefault(r => r.Name == name);
}
