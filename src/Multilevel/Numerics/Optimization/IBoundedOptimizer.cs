namespace Multilevel.Numerics.Optimization;

/// <summary>A derivative-free minimiser of a function of a few parameters subject to box constraints.</summary>
public interface IBoundedOptimizer
{
    /// <summary>Name as reported in <see cref="OptSummary.Optimizer"/> (e.g. <c>BOBYQA</c>, <c>NelderMead</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Minimises <paramref name="objective"/> from <paramref name="start"/> within
    /// [<paramref name="lower"/>, <paramref name="upper"/>] (use ±∞ for no bound). The objective is only
    /// evaluated inside the box and receives a fresh array each time. A parameter whose lower and upper
    /// bounds are equal is held fixed. The result is deterministic: the same inputs give the same
    /// sequence of evaluations.
    /// </summary>
    /// <param name="objective">The function to minimise; a NaN or +∞ value after the start is treated as a very large value.</param>
    /// <param name="start">Starting parameters; must lie within the bounds.</param>
    /// <param name="lower">Lower bounds (−∞ for none).</param>
    /// <param name="upper">Upper bounds (+∞ for none).</param>
    /// <param name="options">Step sizes and stopping rules.</param>
    /// <param name="progress">Told the evaluation count and best value whenever the best value improves.</param>
    /// <param name="cancellationToken">Checked before every evaluation; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, a bound is NaN, a lower bound exceeds its upper bound, or the start lies outside the bounds.</exception>
    OptSummary Minimize(
        Func<double[], double> objective,
        double[] start,
        double[] lower,
        double[] upper,
        OptimizerOptions options,
        IProgress<OptimizerProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

/// <summary>
/// Stopping rules and step sizes of an optimiser. The defaults suit a profiled deviance in θ space
/// (θ of order 1, lower bound 0 on the diagonal of each relative covariance factor).
/// </summary>
/// <remarks>
/// <c>new OptimizerOptions()</c> and <see cref="Default"/> give the documented defaults; in a
/// <c>default(OptimizerOptions)</c>, or wherever a field is zero or negative, the optimiser uses that
/// field's default.
/// </remarks>
/// <param name="InitialStep">
/// Initial trust-region radius (BOBYQA's ρ_beg) or the edge of the initial simplex (Nelder–Mead), in the
/// units of the parameters. Default 0.2, lme4's ρ_beg for θ = 1. BOBYQA reduces it to half the narrowest
/// gap between a lower and an upper bound when the box is narrower than 2 ρ_beg.
/// </param>
/// <param name="FinalStep">
/// Final trust-region radius (ρ_end) at which BOBYQA stops, or the simplex size (largest distance of a
/// vertex from the best one) at which Nelder–Mead stops. Default 1e-6 (MixedModels.jl's setting for
/// BOBYQA; lme4's minqa setting is 2e-7). On lme4's test problems θ then agrees with a run to 1e-11 within
/// about 1e-5, the accuracy the rounding noise of a deviance allows in its flat directions; a smaller
/// value costs evaluations without a better θ.
/// </param>
/// <param name="MaxEvaluations">Largest number of objective evaluations. Default 10,000.</param>
/// <param name="FunctionTolerance">
/// Nelder–Mead only: a run stops when the objective values at the vertices of the simplex span less than
/// this times max(1, |f|), and a restart that lowers the best value by no more than that ends the
/// minimisation. Default 1e-12. BOBYQA stops on the trust-region radius alone.
/// </param>
/// <param name="InterpolationPoints">
/// BOBYQA only: number m of interpolation points of the quadratic model, between n + 2 and
/// (n + 1)(n + 2)/2 for n free parameters. Default (0) is 2n + 1, Powell's recommendation.
/// </param>
public readonly record struct OptimizerOptions(
    double InitialStep = 0.2,
    double FinalStep = 1e-6,
    int MaxEvaluations = 10_000,
    double FunctionTolerance = 1e-12,
    int InterpolationPoints = 0)
{
    /// <summary>Default initial step (ρ_beg).</summary>
    public const double DefaultInitialStep = 0.2;

    /// <summary>Default final step (ρ_end).</summary>
    public const double DefaultFinalStep = 1e-6;

    /// <summary>Default evaluation limit.</summary>
    public const int DefaultMaxEvaluations = 10_000;

    /// <summary>Default Nelder–Mead function tolerance.</summary>
    public const double DefaultFunctionTolerance = 1e-12;

    /// <summary>Creates the options with every default.</summary>
    public OptimizerOptions()
        : this(DefaultInitialStep, DefaultFinalStep, DefaultMaxEvaluations, DefaultFunctionTolerance, 0)
    {
    }

    /// <summary>The documented defaults.</summary>
    public static OptimizerOptions Default => new();

    /// <summary>These options with every unset (zero, negative or non-finite) field replaced by its default.</summary>
    public OptimizerOptions WithDefaults() => new(
        InitialStep > 0 && double.IsFinite(InitialStep) ? InitialStep : DefaultInitialStep,
        FinalStep > 0 && double.IsFinite(FinalStep) ? FinalStep : DefaultFinalStep,
        MaxEvaluations > 0 ? MaxEvaluations : DefaultMaxEvaluations,
        FunctionTolerance > 0 && double.IsFinite(FunctionTolerance) ? FunctionTolerance : DefaultFunctionTolerance,
        InterpolationPoints > 0 ? InterpolationPoints : 0);
}

/// <summary>Progress of a running optimisation: evaluations so far and the best objective.</summary>
/// <param name="Evaluations">Objective evaluations so far.</param>
/// <param name="BestObjective">Lowest objective value so far.</param>
public readonly record struct OptimizerProgress(int Evaluations, double BestObjective);

/// <summary>What happened in an optimisation: where it started and ended, how many evaluations, and why it stopped.</summary>
/// <param name="Optimizer">The method's name.</param>
/// <param name="Initial">Starting parameters.</param>
/// <param name="Final">Parameters at the minimum found.</param>
/// <param name="InitialObjective">Objective at the start.</param>
/// <param name="FinalObjective">Objective at the minimum found.</param>
/// <param name="Evaluations">Number of objective evaluations.</param>
/// <param name="ReturnCode">Why it stopped.</param>
/// <param name="Message">A sentence a user can read about how it stopped.</param>
public sealed record OptSummary(
    string Optimizer,
    double[] Initial,
    double[] Final,
    double InitialObjective,
    double FinalObjective,
    int Evaluations,
    OptimizerReturnCode ReturnCode,
    string Message)
{
    /// <summary>True when the optimiser met its convergence criterion.</summary>
    public bool Converged => ReturnCode == OptimizerReturnCode.Converged;
}

/// <summary>Why an optimiser stopped.</summary>
public enum OptimizerReturnCode
{
    /// <summary>The step size or tolerance criterion was met.</summary>
    Converged,

    /// <summary>The evaluation limit was reached first.</summary>
    MaxEvaluationsReached,

    /// <summary>Rounding errors prevented further progress (the result is usually still usable).</summary>
    RoundingLimited,

    /// <summary>The objective returned a non-finite value at the start.</summary>
    InvalidObjective,
}
