using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Glmm;

/// <summary>
/// How to fit a generalized linear mixed model. <c>default</c> and <c>new()</c> give lme4's <c>glmer</c>
/// defaults: the family's canonical link, the Laplace approximation (nAGQ = 1) after a first nAGQ = 0 stage,
/// BOBYQA, standard errors from the finite-difference Hessian of the deviance in (θ, β), lme4's convergence
/// checks. A zero tolerance or count means "the default".
/// </summary>
public readonly record struct GeneralizedLinearMixedModelOptions
{
    /// <summary>How the formula is evaluated on the data (weights and offset columns, contrasts …) when fitting from a
    /// formula; null: R's defaults. The response kind is set from the family.</summary>
    public DesignOptions? Design { get; init; }

    /// <summary>The link (null: the family's canonical link — logit for binomial, log for Poisson).</summary>
    public GlmLink? Link { get; init; }

    /// <summary>
    /// lme4's nAGQ: null or 1 → the Laplace approximation; 0 → the fast variant (β estimated inside PIRLS,
    /// only θ optimised; the deviance is the Laplace approximation at those values); n &gt; 1 → adaptive
    /// Gauss–Hermite quadrature with n nodes per random effect, for models with one random-effects term
    /// (scalar, or vector with the product rule over its q dimensions).
    /// </summary>
    public int? Nagq { get; init; }

    /// <summary>Another optimiser to use in both stages instead of BOBYQA (null: BOBYQA).</summary>
    public IBoundedOptimizer? CustomOptimizer { get; init; }

    /// <summary>Step sizes and stopping rules of the optimiser in the first stage (θ; null: its defaults).</summary>
    public OptimizerOptions? OptimizerSettings { get; init; }

    /// <summary>
    /// Step sizes and stopping rules in the second stage, over (θ, β) with β in units of its first-stage standard
    /// errors (null: those of the first stage with an initial step of 0.02 — the first stage ends close to the
    /// optimum, and a small initial trust region there saves about two thirds of the evaluations).
    /// </summary>
    public OptimizerOptions? SecondStageOptimizerSettings { get; init; }

    /// <summary>Starting θ (null: 1 on the diagonal of each λ, 0 off it, as lme4).</summary>
    public IReadOnlyList<double>? StartTheta { get; init; }

    /// <summary>Convergence tolerance of PIRLS: the largest relative change of a mode in the next step (0 → 1e-12).</summary>
    public double PirlsTolerance { get; init; }

    /// <summary>Largest number of PIRLS iterations per evaluation (0 → 100).</summary>
    public int PirlsMaxIterations { get; init; }

    /// <summary>
    /// Standard errors from R_X (the fixed-effects block of the PIRLS factor, lme4's <c>use.hessian = FALSE</c>)
    /// instead of the finite-difference Hessian; also skips the convergence check, which uses that Hessian.
    /// Default false (lme4's default). nAGQ = 0 fits always use R_X, as lme4.
    /// </summary>
    public bool SkipHessian { get; init; }

    /// <summary>
    /// Threads for the finite-difference Hessian's evaluations (0: all cores). The values do not depend on it: the points
    /// are split into a fixed number of chunks whatever the number of threads.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>What to do when the fixed effects separate the outcomes (their estimates would be infinite). Default: stop with an error.</summary>
    public SeparationAction Separation { get; init; }

    /// <summary>A diagonal element of λ below this makes the fit singular (lme4's isSingular; 0 → 1e-4).</summary>
    public double SingularTolerance { get; init; }

    /// <summary>Largest scaled gradient accepted at the optimum (lme4's check.conv.grad; 0 → 2e-3).</summary>
    public double GradientTolerance { get; init; }

    /// <summary>Eigenvalue tolerance of the Hessian check (lme4's check.conv.hess; 0 → 1e-6).</summary>
    public double HessianTolerance { get; init; }

    /// <summary>Receives the stage, the number of evaluations and the best objective while fitting.</summary>
    public IProgress<FitProgress>? Progress { get; init; }

    /// <summary>Checked between stages and before every objective evaluation.</summary>
    public CancellationToken CancellationToken { get; init; }

    internal int EffectiveNagq => Nagq ?? 1;

    /// <summary>Default initial trust-region radius of the second stage.</summary>
    internal const double SecondStageInitialStep = 0.02;

    internal double PirlsTol => PirlsTolerance > 0 ? PirlsTolerance : 1e-12;

    internal int PirlsMaxIter => PirlsMaxIterations > 0 ? PirlsMaxIterations : 100;

    internal double SingularTol => SingularTolerance > 0 ? SingularTolerance : 1e-4;

    internal double GradientTol => GradientTolerance > 0 ? GradientTolerance : 2e-3;

    internal double HessianTol => HessianTolerance > 0 ? HessianTolerance : 1e-6;
}
