using Multilevel.Design;
using Multilevel.Numerics;

namespace Multilevel.Models.Linear;

/// <summary>
/// The between estimator: OLS of the group means of y on the group means of the columns of X, one
/// observation per group (plm's <c>model = "between"</c>; the tutorial's MODEL 2, school means). Groups
/// are taken in level order, so order-dependent statistics (Durbin–Watson) match a table sorted by group.
/// </summary>
public static class BetweenEstimator
{
    /// <summary>Fits the between regression of a design.</summary>
    /// <param name="design">The design (no random effects, no absorbed factors, no weights).</param>
    /// <param name="groupName">Name of the grouping variable, for reports.</param>
    /// <param name="groupCodes">Per used row, the 0-based level of the group (≥ 0).</param>
    /// <param name="levelCount">Number of levels the codes index.</param>
    /// <param name="tolerance">QR rank tolerance.</param>
    public static LinearModelFit Fit(ModelDesign design, string groupName, int[] groupCodes, int levelCount,
        double tolerance = HouseholderQr.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(groupCodes);
        if (design.RandomEffects.Count > 0 || design.Absorbed.Count > 0)
        {
            throw new ModelSpecificationException("the between estimator takes a formula without random-effects terms or absorbed factors");
        }
        if (design.Weights is not null)
        {
            throw new ModelSpecificationException("the between estimator does not take prior weights (it averages each group with equal weights)");
        }
        if (design.Response.Trials is not null)
        {
            throw new ModelSpecificationException("the between estimator needs a numeric response, not binomial counts");
        }
        int n = design.Observations;
        if (groupCodes.Length != n)
        {
            throw new ArgumentException($"groupCodes has {groupCodes.Length} values, expected {n}", nameof(groupCodes));
        }
        var x = design.X;
        int p = x.Columns;
        var count = new int[levelCount];
        foreach (int g in groupCodes)
        {
            if (g < 0 || g >= levelCount) throw new ModelSpecificationException($"group '{groupName}' is missing for some used rows");
            count[g]++;
        }
        // Present groups in level order.
        var index = new int[levelCount];
        int m = 0;
        for (int g = 0; g < levelCount; g++) index[g] = count[g] > 0 ? m++ : -1;
        var ym = new double[m];
        var xm = new double[(long)m * p];
        var y = design.Response.Values;
        var off = design.Offset;
        for (int i = 0; i < n; i++) ym[index[groupCodes[i]]] += y[i] - (off is null ? 0 : off[i]);
        for (int j = 0; j < p; j++)
        {
            var col = x.Column(j);
            var dst = xm.AsSpan(j * m, m);
            for (int i = 0; i < n; i++) dst[index[groupCodes[i]]] += col[i];
        }
        for (int g = 0; g < levelCount; g++)
        {
            int r = index[g];
            if (r < 0) continue;
            ym[r] /= count[g];
            for (int j = 0; j < p; j++) xm[(long)j * m + r] /= count[g];
        }
        var fit = LinearModel.FitCore(xm, m, x.ColumnNames, ym, default, default, design.FormulaText,
            design.Response.Name, tolerance, hasIntercept: x.ColumnNames.Contains("(Intercept)"), method: "between",
            absorbedParameters: 0, centredTss: null);
        var messages = design.Messages.ToList();
        messages.Add($"between estimator: OLS on the means of {m} groups of '{groupName}' ({n} rows)");
        messages.AddRange(fit.Messages);
        return fit with
        {
            AliasedColumns = [.. x.AliasedColumns, .. fit.AliasedColumns],
            RowsInData = design.RowsInData,
            RowsDropped = design.RowsDropped,
            Messages = messages,
        };
    }
}
