using Multilevel.Models;

namespace Multilevel.Inference;

/// <summary>
/// Wald intervals β̂ ± Φ⁻¹((1 + level)/2)·SE for the fixed effects, as lme4's <c>confint(fit, method = "Wald")</c>
/// (which gives none for the variance parameters: their sampling distributions are far from normal; use the
/// profile or the bootstrap for those).
/// </summary>
public static class WaldIntervals
{
    /// <summary>One interval per fixed effect, in the fit's order.</summary>
    public static IReadOnlyList<ConfidenceInterval> FixedEffects(LinearMixedModelFit fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return Intervals(fit.FixedEffectNames, fit.FixedEffects, fit.StandardErrors, level);
    }

    /// <summary>One interval per fixed effect of a GLMM (β̂ ± z·SE with lme4's standard errors), as lme4's Wald intervals.</summary>
    public static IReadOnlyList<ConfidenceInterval> FixedEffects(Multilevel.Models.Glmm.GeneralizedLinearMixedModelFit fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return Intervals(fit.FixedEffectNames, fit.FixedEffects, fit.StandardErrors, level);
    }

    private static ConfidenceInterval[] Intervals(IReadOnlyList<string> names, double[] beta, double[] se, double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the confidence level must lie strictly between 0 and 1; it is {level}");
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        return [.. names.Select((name, j) => new ConfidenceInterval(name, beta[j], beta[j] - z * se[j], beta[j] + z * se[j]))];
    }
}
