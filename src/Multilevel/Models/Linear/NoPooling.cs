using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.Glm;

namespace Multilevel.Models.Linear;

/// <summary>One group's fit in a no-pooling analysis.</summary>
/// <param name="Level">The group's level.</param>
/// <param name="Observations">Rows in the group.</param>
/// <param name="Estimates">Estimates aligned with <see cref="NoPoolingFit.CoefficientNames"/> (NaN where not estimable).</param>
/// <param name="StandardErrors">Standard errors, aligned likewise.</param>
/// <param name="Sigma">Residual standard deviation (OLS) or dispersion (GLM), when defined.</param>
public sealed record GroupEstimates(string Level, int Observations, double[] Estimates, double[] StandardErrors, double Sigma);

/// <summary>A group that could not be fitted, and why.</summary>
/// <param name="Level">The group's level.</param>
/// <param name="Observations">Rows in the group.</param>
/// <param name="Reason">Too small, singular, separation …</param>
public sealed record SkippedGroup(string Level, int Observations, string Reason);

/// <summary>No pooling: the same model fitted separately in every group.</summary>
/// <param name="Formula">The formula.</param>
/// <param name="GroupName">The grouping variable.</param>
/// <param name="Method">The per-group fit: <c>OLS</c>, <c>WLS</c> or <c>IRLS</c> (with the family in <paramref name="Family"/>).</param>
/// <param name="Family">GLM family name, or null for least squares.</param>
/// <param name="CoefficientNames">The columns of X.</param>
/// <param name="Groups">Fitted groups in level order.</param>
/// <param name="Skipped">Groups that could not be fitted.</param>
/// <param name="Observations">Rows used over all groups.</param>
/// <param name="RowsDropped">Rows dropped for missing values.</param>
/// <param name="Messages">Messages of the design step.</param>
public sealed record NoPoolingFit(
    string Formula, string GroupName, string Method, string? Family, IReadOnlyList<string> CoefficientNames,
    IReadOnlyList<GroupEstimates> Groups, IReadOnlyList<SkippedGroup> Skipped, int Observations, int RowsDropped,
    IReadOnlyList<string> Messages);

/// <summary>
/// No pooling (the slides' "one regression per group"): the design is split by the levels of a grouping
/// variable and fitted in each group. A group with no more rows than coefficients, a singular group
/// (a column without variation inside it) or a GLM that cannot be fitted in it is listed with the reason;
/// the others are fitted.
/// </summary>
public static class NoPooling
{
    /// <summary>Fits the design in every group.</summary>
    /// <param name="design">The design (no random-effects terms or absorbed factors).</param>
    /// <param name="groupName">Grouping variable name.</param>
    /// <param name="groupCodes">Per used row, the group level (0-based).</param>
    /// <param name="levels">Level names.</param>
    /// <param name="family">A GLM family, or null for least squares.</param>
    /// <param name="link">The GLM link, or null for the family's default.</param>
    public static NoPoolingFit Fit(ModelDesign design, string groupName, int[] groupCodes, IReadOnlyList<string> levels,
        GlmFamily? family = null, GlmLink? link = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(groupCodes);
        ArgumentNullException.ThrowIfNull(levels);
        if (design.RandomEffects.Count > 0 || design.Absorbed.Count > 0)
        {
            throw new ModelSpecificationException("--by fits a formula without random-effects terms or absorbed factors in every group");
        }
        int n = design.Observations;
        if (groupCodes.Length != n) throw new ArgumentException($"groupCodes has {groupCodes.Length} values, expected {n}", nameof(groupCodes));
        var rowsOf = new List<int>[levels.Count];
        for (int l = 0; l < levels.Count; l++) rowsOf[l] = [];
        for (int i = 0; i < n; i++)
        {
            int g = groupCodes[i];
            if (g < 0 || g >= levels.Count) throw new ModelSpecificationException($"the grouping variable '{groupName}' is missing for used row {i + 1}");
            rowsOf[g].Add(i);
        }
        var names = design.X.ColumnNames;
        int p = names.Count;
        var groups = new List<GroupEstimates>();
        var skipped = new List<SkippedGroup>();
        for (int l = 0; l < levels.Count; l++)
        {
            var rows = rowsOf[l];
            if (rows.Count == 0) continue;
            if (rows.Count <= p)
            {
                skipped.Add(new SkippedGroup(levels[l], rows.Count, $"too small: {rows.Count} row(s) for {p} coefficient(s)"));
                continue;
            }
            var sub = DesignRows.Subset(design, [.. rows]);
            try
            {
                IReadOnlyList<string> kept, aliased;
                double[] est, se;
                double sigma;
                if (family is null)
                {
                    var fit = LinearModel.Fit(sub);
                    kept = fit.CoefficientNames;
                    aliased = fit.AliasedColumns;
                    est = fit.Coefficients;
                    se = VarianceEstimators.Iid(fit).StandardErrors();
                    sigma = fit.Sigma;
                }
                else
                {
                    var fit = GeneralizedLinearModel.Fit(sub, family, link);
                    kept = fit.CoefficientNames;
                    aliased = fit.AliasedColumns;
                    est = fit.Coefficients;
                    se = fit.Covariance().StandardErrors();
                    sigma = fit.Family.FixedDispersion ? double.NaN : Math.Sqrt(fit.Dispersion);
                    if (!fit.Converged)
                    {
                        skipped.Add(new SkippedGroup(levels[l], rows.Count, "IRLS did not converge"));
                        continue;
                    }
                }
                var newlyAliased = aliased.Except(design.X.AliasedColumns).ToList();
                if (newlyAliased.Count > 0)
                {
                    skipped.Add(new SkippedGroup(levels[l], rows.Count, $"singular: {string.Join(", ", newlyAliased)} not estimable in this group"));
                    continue;
                }
                var e = new double[p];
                var s = new double[p];
                Array.Fill(e, double.NaN);
                Array.Fill(s, double.NaN);
                for (int k = 0; k < kept.Count; k++)
                {
                    int j = IndexOf(names, kept[k]);
                    e[j] = est[k];
                    s[j] = se[k];
                }
                groups.Add(new GroupEstimates(levels[l], rows.Count, e, s, sigma));
            }
            catch (ModelSpecificationException ex)
            {
                skipped.Add(new SkippedGroup(levels[l], rows.Count, ex.Message));
            }
        }
        string method = family is null ? (design.Weights is null ? "OLS" : "WLS") : "IRLS";
        return new NoPoolingFit(design.FormulaText, groupName, method, family?.Name, names, groups, skipped, n, design.RowsDropped, design.Messages);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        return -1;
    }
}
