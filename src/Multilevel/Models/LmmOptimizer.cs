namespace Multilevel.Models;

/// <summary>The derivative-free optimiser that minimises the profiled deviance over θ.</summary>
public enum LmmOptimizer
{
    /// <summary>Powell's BOBYQA (bound-constrained quadratic models): lme4's default for <c>lmer</c>.</summary>
    Bobyqa = 0,

    /// <summary>Nelder–Mead simplex with bounds.</summary>
    NelderMead = 1,
}
