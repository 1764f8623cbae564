using Multilevel.Design;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>lme4's checks on a GLMM design before fitting (glmer's settings: a grouping factor may have as many levels as observations).</summary>
internal static class GlmmChecks
{
    public static void Validate(ModelDesign design, int nagq)
    {
        ArgumentNullException.ThrowIfNull(design);
        if (nagq < 0) throw new ArgumentOutOfRangeException(nameof(nagq), nagq, "nAGQ must be 0 (fast), 1 (Laplace) or the number of quadrature nodes (> 1)");
        int n = design.Observations;
        if (design.RandomEffects.Count == 0)
        {
            throw new ModelSpecificationException(
                $"'{design.FormulaText}' has no random-effects terms '( … | group)': fit a GLM (mlm fit with --family and without a random-effects term), or add one such as (1 | group)");
        }
        if (design.Absorbed.Count > 0)
        {
            throw new ModelSpecificationException("absorbed fixed effects (y ~ x | g) cannot be combined with a GLMM; write the factor as a fixed effect, factor(g), or as a random effect (1 | g)");
        }
        if (n == 0) throw new ModelSpecificationException("no observations are left after dropping rows with missing values");
        foreach (var term in design.RandomEffects)
        {
            if (term.LevelCount < 2)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {term.LevelCount} level{(term.LevelCount == 1 ? "" : "s")} in the rows used: a random effect needs a factor with more than one sampled level");
            }
            if (term.LevelCount > n)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {term.LevelCount} levels for {n} observations: a grouping factor cannot have more levels than observations");
            }
            long re = (long)term.LevelCount * term.Q;
            if (re > n)
            {
                string cols = string.Join(" + ", term.ColumnNames.Select(c => c == "(Intercept)" ? "1" : c));
                throw new ModelSpecificationException(
                    $"number of observations ({n}) < number of random effects ({re}) for term ({cols} | {term.GroupName}): the random-effects parameters are probably unidentifiable");
            }
        }
        if (nagq > 1) ValidateQuadrature(design, nagq);
    }

    public static void ValidateQuadrature(ModelDesign design, int nagq)
    {
        var terms = design.RandomEffects;
        if (terms.Count != 1)
        {
            string groups = string.Join(", ", terms.Select(t => $"({string.Join(" + ", t.ColumnNames.Select(c => c == "(Intercept)" ? "1" : c))} | {t.GroupName})"));
            throw new ModelSpecificationException(
                $"adaptive Gauss–Hermite quadrature (nAGQ = {nagq}) needs a single random-effects term, the model has {terms.Count}: {groups}. Use the Laplace approximation (nAGQ = 1) or merge the terms into one, e.g. (1 + x | g)");
        }
    }
}
