namespace Multilevel.Models;

/// <summary>The criterion a linear mixed model is fitted by.</summary>
public enum LmmCriterion
{
    /// <summary>Restricted (residual) maximum likelihood: lme4's default, <c>REML = TRUE</c>.</summary>
    Reml = 0,

    /// <summary>Maximum likelihood: <c>REML = FALSE</c> (needed to compare models with different fixed effects).</summary>
    MaximumLikelihood = 1,
}
