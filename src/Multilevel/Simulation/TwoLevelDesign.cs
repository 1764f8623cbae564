namespace Multilevel.Simulation;

/// <summary>The response distribution of a simulated design.</summary>
public enum SimulatedFamily
{
    /// <summary>y = η + ε, ε ~ N(0, σ²).</summary>
    Gaussian,

    /// <summary>y ~ Bernoulli(logit⁻¹ η).</summary>
    Binomial,

    /// <summary>y ~ Poisson(exp η).</summary>
    Poisson,
}

/// <summary>How the unit-level covariate's own noise is drawn.</summary>
public enum CovariateNoise
{
    /// <summary>N(0, s²).</summary>
    Normal,

    /// <summary>U(−s, s).</summary>
    Uniform,
}

/// <summary>The group-level predictor w of a simulated design.</summary>
public enum GroupPredictor
{
    /// <summary>None.</summary>
    None,

    /// <summary>w_j = the group's mean of x in the simulated data (as the slides compute avg.income).</summary>
    GroupMeanOfX,

    /// <summary>w_j = v_j, the standard-normal group level of x.</summary>
    GroupLevelOfX,
}

/// <summary>
/// A two-level design to simulate (units i in groups j), with every default 0 / off:
/// <code>
/// (a_j, b_j) ~ N(0, [τ₀², ρτ₀τ₁; ρτ₀τ₁, τ₁²])          random intercept and slope
/// v_j ~ N(0, 1)                                          the group's level of x
/// x_ij = μ_x + s_g v_j + κ a_j + e_ij,  e ~ N(0, s²) or U(−s, s)
/// w_j  = mean_i x_ij, or v_j, or absent                 group-level predictor
/// η_ij = β₀ + β₁ x_ij + γ w_j + δ w_j x_ij + a_j + b_j x_ij
/// y_ij = η + N(0, σ²)  |  Bernoulli(logit⁻¹ η)  |  Poisson(exp η)
/// </code>
/// κ ≠ 0 makes the covariate correlated with the random intercept (the slides' aptitude and study hours, where a
/// random-effects estimate of β₁ is biased and the fixed-effects one is not). The draws come from one
/// <see cref="RandomStream"/> in a fixed order: for each group, a_j and b_j (two standard normals through the
/// Cholesky factor), then v_j; then for each unit in group order, e_ij; then for each unit, the response's draw.
/// </summary>
public sealed record TwoLevelDesign
{
    /// <summary>Number of groups J.</summary>
    public int Groups { get; init; } = 100;

    /// <summary>Units per group n.</summary>
    public int GroupSize { get; init; } = 5;

    /// <summary>Column of the group index (1 … J).</summary>
    public string GroupColumn { get; init; } = "group";

    /// <summary>Column of the unit's index within its group (1 … n).</summary>
    public string UnitColumn { get; init; } = "unit";

    /// <summary>Column of the covariate x.</summary>
    public string CovariateColumn { get; init; } = "x";

    /// <summary>Column of the group-level predictor w (when there is one).</summary>
    public string GroupPredictorColumn { get; init; } = "w";

    /// <summary>Column of the response y.</summary>
    public string ResponseColumn { get; init; } = "y";

    /// <summary>β₀.</summary>
    public double Intercept { get; init; }

    /// <summary>β₁, the within-group slope of x.</summary>
    public double Slope { get; init; }

    /// <summary>γ, the effect of the group-level predictor w.</summary>
    public double GroupPredictorEffect { get; init; }

    /// <summary>δ, the cross-level interaction w·x.</summary>
    public double CrossLevelInteraction { get; init; }

    /// <summary>τ₀, the SD of the random intercepts.</summary>
    public double InterceptSd { get; init; }

    /// <summary>τ₁, the SD of the random slopes of x.</summary>
    public double SlopeSd { get; init; }

    /// <summary>ρ, the correlation of random intercepts and slopes.</summary>
    public double InterceptSlopeCorrelation { get; init; }

    /// <summary>σ, the residual SD (Gaussian only).</summary>
    public double ResidualSd { get; init; } = 1;

    /// <summary>The response distribution.</summary>
    public SimulatedFamily Family { get; init; } = SimulatedFamily.Gaussian;

    /// <summary>μ_x, the mean of x.</summary>
    public double CovariateMean { get; init; }

    /// <summary>s_g, the SD of the groups' levels of x.</summary>
    public double CovariateGroupSd { get; init; }

    /// <summary>κ: how much x moves with the random intercept a_j (0: x independent of the group effects).</summary>
    public double CovariateOnIntercept { get; init; }

    /// <summary>s: the SD (normal) or half-width (uniform) of x's unit-level noise.</summary>
    public double CovariateNoiseScale { get; init; } = 1;

    /// <summary>Normal or uniform unit-level noise of x.</summary>
    public CovariateNoise CovariateNoise { get; init; } = CovariateNoise.Normal;

    /// <summary>The group-level predictor.</summary>
    public GroupPredictor GroupPredictor { get; init; } = GroupPredictor.None;

    /// <summary>Add the true random effects as columns (<c>true_intercept</c>, <c>true_slope</c>).</summary>
    public bool IncludeTruth { get; init; }
}
