namespace Multilevel.Numerics.Optimization;

/// <summary>A derivative-free minimiser of a function of a few parameters subject to box constraints.</summary>
public interface IBoundedOptimizer
{
    /// <summary>Name as reported in <see cref="OptSummary.Optimizer"/> (e.g. <c>BOBYQA</c>, <c>NelderMead</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Minimises <paramref name="objective"/> from <paramref name="start"/> within
    /// [<paramref name="lower"/>, <paramref name="upper"/>] (use ±∞ for no bound).
    /// </summary>
    OptSummary Minimize(
        Func<double[], double> objective,
        double[] start,
        double[] lower,
        double[] upper,
        OptimizerOptions options,
        IProgress<OptimizerProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Stopping rules and step sizes of an optimiser.</summary>
/// <param name="InitialStep">Initial trust-region radius (BOBYQA's ρ_beg) or simplex size.</param>
/// <param name="FinalStep">Final trust-region radius (ρ_end) or simplex size at which to stop.</param>
/// <param name="MaxEvaluations">Largest number of objective evaluations.</param>
/// <param name="FunctionTolerance">Absolute change in the objective below which the run stops (where the method uses one).</param>
public readonly record struct OptimizerOptions(
    double InitialStep = 0.2,
    double FinalStep = 1e-7,
    int MaxEvaluations = 10_000,
    double FunctionTolerance = 1e-12);

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
