using Multilevel.Design;

namespace Multilevel.Models.Internals;

/// <summary>lme4's checks on a mixed-model design before fitting (each stops with a message naming the factor).</summary>
internal static class LmmChecks
{
    public static void Validate(ModelDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        int n = design.Observations;
        if (design.RandomEffects.Count == 0)
        {
            throw new ModelSpecificationException(
                $"'{design.FormulaText}' has no random-effects terms '( … | group)': use an OLS fit (mlm fit without a random-effects term), or add one such as (1 | group)");
        }
        if (design.Response.Trials is not null)
        {
            throw new ModelSpecificationException(
                $"the response '{design.Response.Name}' is binomial counts (cbind): a linear mixed model needs a numeric response; use a GLMM with --family binomial");
        }
        if (n == 0) throw new ModelSpecificationException("no observations are left after dropping rows with missing values");
        var y = design.Response.Values;
        for (int i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                throw new ModelSpecificationException($"the response '{design.Response.Name}' is not finite ({y[i]}) in data row {design.RowIndex[i] + 1}");
            }
        }
        if (design.Weights is { } w)
        {
            for (int i = 0; i < w.Length; i++)
            {
                if (!(w[i] >= 0) || double.IsInfinity(w[i]))
                {
                    throw new ModelSpecificationException($"prior weight {w[i]} in data row {design.RowIndex[i] + 1} is not a finite non-negative number");
                }
            }
        }
        foreach (var term in design.RandomEffects)
        {
            if (term.LevelCount < 2)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {term.LevelCount} level{(term.LevelCount == 1 ? "" : "s")} in the rows used: a random effect needs a factor with more than one sampled level");
            }
            if (term.LevelCount >= n)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {term.LevelCount} levels for {n} observations: the number of levels of each grouping factor must be less than the number of observations");
            }
            long re = (long)term.LevelCount * term.Q;
            if (n <= re)
            {
                string cols = string.Join(" + ", term.ColumnNames.Select(c => c == "(Intercept)" ? "1" : c));
                throw new ModelSpecificationException(
                    $"number of observations ({n}) <= number of random effects ({re}) for term ({cols} | {term.GroupName}): the random-effects parameters and the residual variance are probably unidentifiable");
            }
        }
        if (n <= design.X.Columns)
        {
            throw new ModelSpecificationException($"{n} observations are too few for {design.X.Columns} fixed effects");
        }
    }
}
