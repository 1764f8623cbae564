using MathNet.Numerics.LinearAlgebra;

namespace Multilevel.Models.Internals;

/// <summary>
/// lme4's checks at the optimum (<c>checkConv</c>): a singular (boundary) fit when a diagonal element of some λ is
/// below the tolerance; otherwise the gradient and Hessian of d(θ) by central differences over the parameters not
/// on the boundary, a warning when the scaled gradient (min of |H⁻¹ᐟ² g| and |g| per component) exceeds its
/// tolerance, and warnings when the Hessian has negative or (near) zero eigenvalues.
/// </summary>
internal static class ConvergenceCheck
{
    public sealed record Result(bool Singular, IReadOnlyList<string> Warnings, double[]? Gradient, double[,]? Hessian, int Evaluations);

    public static Result Run(ProfiledDeviance deviance, double[] theta, double objective, string[] thetaLabels, in LinearMixedModelOptions options)
    {
        var warnings = new List<string>();
        var diagonal = deviance.DiagonalElements;
        double singularTol = options.SingularTol;
        var boundary = new List<int>();
        for (int i = 0; i < theta.Length; i++)
        {
            if (diagonal[i] && theta[i] < singularTol) boundary.Add(i);
        }
        bool singular = boundary.Count > 0;
        if (singular)
        {
            warnings.Add("boundary (singular) fit: " + string.Join(", ", boundary.Select(i => $"θ[{i + 1}] ({thetaLabels[i]}) = {theta[i]:G4}")) +
                $" below {singularTol:G}: a random-effects variance is (nearly) zero or a correlation (nearly) ±1 (lme4's isSingular)");
        }
        if (options.SkipConvergenceCheck) return new Result(singular, warnings, null, null, 0);

        var free = Enumerable.Range(0, theta.Length).Where(i => !boundary.Contains(i)).ToArray();
        if (free.Length == 0) return new Result(singular, warnings, [], new double[0, 0], 0);
        int before = deviance.Evaluations;
        var (g, h) = FiniteDifferences.Derivatives(deviance.AsFunction(), theta, objective, free, options.CancellationToken);
        int evaluations = deviance.Evaluations - before;
        if (g.Any(double.IsNaN))
        {
            warnings.Add("gradient at the optimum contains NaN: the convergence check could not be done");
            return new Result(singular, warnings, g, h, evaluations);
        }

        var hm = Matrix<double>.Build.DenseOfArray(h);
        var chol = TryCholesky(hm);
        if (chol is null)
        {
            warnings.Add("unable to evaluate the scaled gradient: the Hessian of the objective at the optimum is not positive definite");
        }
        else
        {
            // lme4: solve(chol(H), g) with R's upper factor U (H = UᵀU): U⁻¹ g = L⁻ᵀ g
            var scaled = chol.Factor.Transpose().Solve(Vector<double>.Build.DenseOfArray(g));
            double worst = 0;
            int component = -1;
            for (int i = 0; i < g.Length; i++)
            {
                double m = Math.Min(Math.Abs(scaled[i]), Math.Abs(g[i]));
                if (m > worst)
                {
                    worst = m;
                    component = i;
                }
            }
            double tol = options.GradientTol;
            if (worst > tol)
            {
                int c = free[component];
                warnings.Add($"Model failed to converge with max|grad| = {worst:G6} (tol = {tol:G}, component {c + 1}: {thetaLabels[c]})");
            }
        }

        double htol = options.HessianTol;
        var eigen = hm.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        int negative = eigen.Count(e => e < -htol);
        if (negative > 0)
        {
            warnings.Add($"Model failed to converge: degenerate Hessian with {negative} negative eigenvalue{(negative == 1 ? "" : "s")}");
        }
        else if (eigen.Any(e => Math.Abs(e) < htol) || chol is null)
        {
            warnings.Add("Hessian is numerically singular: parameters are not uniquely determined");
        }
        else
        {
            double max = eigen.Max(), min = eigen.Min();
            if (max * htol > 1) warnings.Add("Model is nearly unidentifiable: very large eigenvalue - rescale variables?");
            if (min / max < htol) warnings.Add("Model is nearly unidentifiable: large eigenvalue ratio - rescale variables?");
        }
        return new Result(singular, warnings, g, h, evaluations);
    }

    private static MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? TryCholesky(Matrix<double> h)
    {
        try
        {
            return h.Cholesky();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
