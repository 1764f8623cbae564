using Multilevel.Design;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models;

/// <summary>
/// How to fit a linear mixed model. <c>default</c> and <c>new()</c> give lme4's defaults: REML, BOBYQA from θ
/// = (1 on each diagonal of λ, 0 off it), lme4's convergence checks with their tolerances.
/// A zero tolerance means "the default".
/// </summary>
public readonly record struct LinearMixedModelOptions
{
    /// <summary>REML (default) or ML.</summary>
    public LmmCriterion Criterion { get; init; }

    /// <summary>Options of the design step (prior weights and offset columns, contrasts, rank tolerance); null: R's defaults.</summary>
    public DesignOptions? Design { get; init; }

    /// <summary>BOBYQA (default) or Nelder–Mead; ignored when <see cref="CustomOptimizer"/> is set.</summary>
    public LmmOptimizer Optimizer { get; init; }

    /// <summary>Another optimiser to use instead of the built-in ones (null: use <see cref="Optimizer"/>).</summary>
    public IBoundedOptimizer? CustomOptimizer { get; init; }

    /// <summary>
    /// Step sizes and stopping rules of the optimiser. Null: the optimiser's defaults with an initial step of 0.75
    /// from lme4's start (the elements of θ are of order 1; MixedModels.jl's choice, which needs fewer evaluations than
    /// lme4's 0.2 on lme4's test problems and reaches the same optimum), or 0.2 from the moment start (see
    /// <see cref="StartTheta"/>).
    /// </summary>
    public OptimizerOptions? OptimizerSettings { get; init; }

    /// <summary>
    /// Starting θ. Null: when every random-effects term is scalar (random intercepts, or one slope without an
    /// intercept) and no optimiser settings are given, one-way analysis-of-variance estimates from the Gram matrix —
    /// each term's between-level variance of the least-squares residuals over the residual variance — which take
    /// about half of lme4's evaluations on crossed and nested models (InstEval 40 against 76) to the same optimum;
    /// otherwise lme4's start, 1 on the diagonal of each λ and 0 off it.
    /// </summary>
    public IReadOnlyList<double>? StartTheta { get; init; }

    /// <summary>Skip the gradient and Hessian at the optimum (and the convergence warnings they feed). Default false.</summary>
    public bool SkipConvergenceCheck { get; init; }

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

    /// <summary>REML options (the default).</summary>
    public static LinearMixedModelOptions Reml => default;

    /// <summary>ML options.</summary>
    public static LinearMixedModelOptions MaximumLikelihood => new() { Criterion = LmmCriterion.MaximumLikelihood };

    /// <summary>The default initial step of the optimiser on θ.</summary>
    public const double DefaultInitialStep = 0.75;

    internal double SingularTol => SingularTolerance > 0 ? SingularTolerance : 1e-4;

    internal double GradientTol => GradientTolerance > 0 ? GradientTolerance : 2e-3;

    internal double HessianTol => HessianTolerance > 0 ? HessianTolerance : 1e-6;
}
