namespace Multilevel.Models;

/// <summary>What prediction does with a level of a grouping factor that the fit has not seen.</summary>
public enum NewLevels
{
    /// <summary>Use the population prediction for that term (its random effect is 0), as lme4's <c>allow.new.levels = TRUE</c>.</summary>
    Population = 0,

    /// <summary>Fail, naming the level and the grouping factor (lme4's default).</summary>
    Error = 1,
}
