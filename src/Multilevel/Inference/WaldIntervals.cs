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
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the confidence level must lie strictly between 0 and 1; it is {level}");
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        return [.. fit.FixedEffectNames.Select((name, j) =>
            new ConfidenceInterval(name, fit.FixedEffects[j], fit.FixedEffects[j] - z * fit.StandardErrors[j], fit.FixedEffects[j] + z * fit.StandardErrors[j]))];
    }
}
