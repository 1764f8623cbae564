using System.Globalization;
using Multilevel.Numerics.Optimization.Internals;

namespace Multilevel.Numerics.Optimization;

/// <summary>
/// Powell's BOBYQA (Bound Optimization BY Quadratic Approximation; M. J. D. Powell, "The BOBYQA algorithm
/// for bound constrained optimization without derivatives", Cambridge DAMTP 2009/NA06): a trust-region
/// method on a quadratic model that interpolates the objective at m points (2n + 1 by default), updated
/// so that its Hessian changes least. This is the optimiser lme4 (through NLopt or minqa) and
/// MixedModels.jl use for the profiled deviance of a linear mixed model.
/// </summary>
/// <remarks>
/// <para>
/// Stops with <see cref="OptimizerReturnCode.Converged"/> when the work at the final trust-region radius
/// ρ_end (<see cref="OptimizerOptions.FinalStep"/>) is done, with
/// <see cref="OptimizerReturnCode.MaxEvaluationsReached"/> at the evaluation limit and with
/// <see cref="OptimizerReturnCode.RoundingLimited"/> when rounding errors stop progress. The start
/// is the first evaluation and may lie on a bound; bounds may be infinite; a parameter whose two bounds are
/// equal is held fixed. At convergence, parameters within 10 ρ_end of a bound are tried on the bound (one
/// evaluation) and kept there if the objective is not higher, so that a minimum on a bound — a singular fit,
/// θ = 0 — is reported exactly. With a single parameter the model is the parabola through three points and
/// the method is a safeguarded parabolic search.
/// </para>
/// <para>
/// ρ_beg (<see cref="OptimizerOptions.InitialStep"/>) should be about a tenth of the greatest expected change
/// of a parameter; it is reduced to half the narrowest gap between a lower and an upper bound when the
/// box is narrower. Parameters should be of similar scale.
/// </para>
/// </remarks>
public sealed class Bobyqa : IBoundedOptimizer
{
    /// <inheritdoc/>
    public string Name => "BOBYQA";

    /// <inheritdoc/>
    public OptSummary Minimize(
        Func<double[], double> objective,
        double[] start,
        double[] lower,
        double[] upper,
        OptimizerOptions options,
        IProgress<OptimizerProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options = options.WithDefaults();
        var problem = BoundedProblem.Create(objective, start, lower, upper, options.MaxEvaluations, progress, cancellationToken);
        int n = problem.Dimension;
        int m = options.InterpolationPoints == 0 ? 2 * n + 1 : options.InterpolationPoints;
        int mMax = (n + 1) * (n + 2) / 2;
        if (n > 0 && (m < n + 2 || m > mMax))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"BOBYQA with {n} free parameters needs between {n + 2} and {mMax} interpolation points; {m} were asked for."),
                nameof(options));
        }

        double f0 = problem.Evaluate(problem.Start, out bool finite);
        if (!finite)
        {
            return problem.Summarise(Name, start, f0, OptimizerReturnCode.InvalidObjective,
                $"the objective is {BoundedProblem.Fmt(f0)} at the start; give a start where it is finite");
        }
        if (n == 0)
        {
            return problem.Summarise(Name, start, f0, OptimizerReturnCode.Converged,
                "every parameter is fixed by its bounds; the objective was evaluated once");
        }

        double rhoBeg = options.InitialStep;
        for (int i = 0; i < n; i++) rhoBeg = Math.Min(rhoBeg, 0.5 * (problem.Upper[i] - problem.Lower[i]));
        double rhoEnd = Math.Min(options.FinalStep, rhoBeg);
        if (problem.Exhausted)
        {
            return problem.Summarise(Name, start, f0, OptimizerReturnCode.MaxEvaluationsReached,
                "the evaluation limit allowed only the start to be evaluated");
        }
        var solver = new BobyqaSolver(problem, m, rhoBeg, rhoEnd);
        var (code, message) = solver.Run(f0);
        if (code == OptimizerReturnCode.Converged && problem.TrySnapToBounds(10 * rhoEnd))
        {
            message += "; parameters within 10 ρ_end of a bound were put on it, which did not raise the objective";
        }
        return problem.Summarise(Name, start, f0, code, message);
    }
}
