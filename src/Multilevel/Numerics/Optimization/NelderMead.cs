using System.Globalization;
using Multilevel.Numerics.Optimization.Internals;

namespace Multilevel.Numerics.Optimization;

/// <summary>
/// The Nelder–Mead simplex method with box constraints: trial points outside the box are projected
/// onto it (as in NLopt's and lme4's bounded Nelder–Mead), and a converged run is restarted from a
/// fresh simplex around the best point, which undoes a simplex that collapsed early (on a bound, or
/// in a curved valley). Coefficients adapt to the dimension (Gao and Han, 2012): reflection 1,
/// expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrinkage 1 − 1/n for n ≥ 2; 1, 2, ½, ½ for n = 1.
/// </summary>
/// <remarks>
/// Slower than <see cref="Bobyqa"/> on smooth objectives (typically several times the evaluations) but
/// makes no use of smoothness, which suits noisy objectives such as a Laplace deviance with inner
/// iterations. Stops with <see cref="OptimizerReturnCode.Converged"/> when a restart no longer lowers the
/// best value by more than <see cref="OptimizerOptions.FunctionTolerance"/> × max(1, |f|), a run having
/// converged when the simplex is smaller than <see cref="OptimizerOptions.FinalStep"/> (largest
/// coordinate distance of a vertex from the best one) or its values span less than
/// <see cref="OptimizerOptions.FunctionTolerance"/> × max(1, |f|). The initial simplex has edges
/// <see cref="OptimizerOptions.InitialStep"/> along the axes, turned inwards at bounds.
/// </remarks>
public sealed class NelderMead : IBoundedOptimizer
{
    private const int MaxRestarts = 3;

    /// <inheritdoc/>
    public string Name => "NelderMead";

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

        var run = new Run(problem, options);
        double step = options.InitialStep;
        double[] x = (double[])problem.Start.Clone();
        double fx = f0;
        for (int restart = 0; ; restart++)
        {
            bool finished = run.Minimise(x, fx, step);
            if (!finished)
            {
                return problem.Summarise(Name, start, f0, OptimizerReturnCode.MaxEvaluationsReached,
                    string.Create(CultureInfo.InvariantCulture,
                        $"stopped at the limit of {options.MaxEvaluations} evaluations; the result may be short of the minimum"));
            }
            double improvement = fx - problem.BestValue;
            bool settled = restart > 0 && improvement <= options.FunctionTolerance * Math.Max(1, Math.Abs(problem.BestValue));
            if (settled || restart == MaxRestarts)
            {
                problem.TrySnapToBounds(10 * options.FinalStep);
                return problem.Summarise(Name, start, f0, OptimizerReturnCode.Converged,
                    string.Create(CultureInfo.InvariantCulture,
                        $"converged: the simplex shrank below {options.FinalStep:G3} and a restart found no lower value"));
            }
            x = (double[])problem.BestPoint.Clone();
            fx = problem.BestValue;
            // Restart with a simplex well above the final size but below the initial one.
            step = Math.Max(0.01 * options.InitialStep, 100 * options.FinalStep);
        }
    }

    /// <summary>One Nelder–Mead run from a given point and simplex size.</summary>
    private sealed class Run(BoundedProblem problem, OptimizerOptions options)
    {
        private readonly int n = problem.Dimension;

        /// <summary>Runs until the simplex converges (true) or the evaluations run out (false).</summary>
        public bool Minimise(double[] x0, double f0, double step)
        {
            double alpha = 1, beta, gamma, delta;
            if (n >= 2)
            {
                beta = 1 + 2.0 / n;
                gamma = 0.75 - 0.5 / n;
                delta = 1 - 1.0 / n;
            }
            else
            {
                beta = 2;
                gamma = 0.5;
                delta = 0.5;
            }
            double[] lower = problem.Lower, upper = problem.Upper;

            // Vertices and values; vertex 0 is the start.
            var vertices = new double[n + 1][];
            var values = new double[n + 1];
            vertices[0] = (double[])x0.Clone();
            values[0] = f0;
            for (int i = 0; i < n; i++)
            {
                var v = (double[])x0.Clone();
                double up = upper[i] - x0[i], down = x0[i] - lower[i];
                double h = up >= step ? step : down >= step ? -step : (up >= down ? up : -down);
                v[i] += h;
                if (v[i] == x0[i]) v[i] = up >= down ? upper[i] : lower[i];
                if (problem.Exhausted) return false;
                vertices[i + 1] = v;
                values[i + 1] = problem.Evaluate(v);
            }

            var order = new int[n + 1];
            var centroid = new double[n];
            var trial = new double[n];
            var trial2 = new double[n];
            while (true)
            {
                for (int i = 0; i <= n; i++) order[i] = i;
                // Stable sort by value: ties keep the vertex order, so runs are reproducible.
                Array.Sort(order, (a, b) => values[a] != values[b] ? values[a].CompareTo(values[b]) : a.CompareTo(b));
                int best = order[0], worst = order[n], secondWorst = order[n - 1];

                if (Converged(vertices, values, best, worst)) return true;

                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += vertices[order[k]][i];
                    centroid[i] = s / n;
                }
                double[] xw = vertices[worst];
                // Reflection.
                for (int i = 0; i < n; i++) trial[i] = Math.Clamp(centroid[i] + alpha * (centroid[i] - xw[i]), lower[i], upper[i]);
                if (problem.Exhausted) return false;
                double fr = problem.Evaluate(trial);
                if (fr < values[best])
                {
                    // Expansion.
                    for (int i = 0; i < n; i++) trial2[i] = Math.Clamp(centroid[i] + beta * (centroid[i] - xw[i]), lower[i], upper[i]);
                    if (problem.Exhausted) return false;
                    double fe = problem.Evaluate(trial2);
                    if (fe < fr) Accept(vertices, values, worst, trial2, fe);
                    else Accept(vertices, values, worst, trial, fr);
                    continue;
                }
                if (fr < values[secondWorst])
                {
                    Accept(vertices, values, worst, trial, fr);
                    continue;
                }
                // Contraction: outside when the reflected point beats the worst, inside otherwise.
                bool outside = fr < values[worst];
                for (int i = 0; i < n; i++)
                {
                    double target = outside ? trial[i] : xw[i];
                    trial2[i] = Math.Clamp(centroid[i] + gamma * (target - centroid[i]), lower[i], upper[i]);
                }
                if (problem.Exhausted) return false;
                double fc = problem.Evaluate(trial2);
                if (outside ? fc <= fr : fc < values[worst])
                {
                    Accept(vertices, values, worst, trial2, fc);
                    continue;
                }
                // Shrink towards the best vertex.
                double[] xb = vertices[best];
                for (int k = 0; k <= n; k++)
                {
                    if (k == best) continue;
                    var v = vertices[k];
                    for (int i = 0; i < n; i++) v[i] = xb[i] + delta * (v[i] - xb[i]);
                    if (problem.Exhausted) return false;
                    values[k] = problem.Evaluate(v);
                }
            }
        }

        private static void Accept(double[][] vertices, double[] values, int index, double[] x, double f)
        {
            Array.Copy(x, vertices[index], x.Length);
            values[index] = f;
        }

        private bool Converged(double[][] vertices, double[] values, int best, int worst)
        {
            double size = 0;
            for (int k = 0; k <= n; k++)
            {
                for (int i = 0; i < n; i++) size = Math.Max(size, Math.Abs(vertices[k][i] - vertices[best][i]));
            }
            if (size <= options.FinalStep) return true;
            double spread = values[worst] - values[best];
            return spread <= options.FunctionTolerance * Math.Max(1, Math.Abs(values[best]));
        }
    }
}
