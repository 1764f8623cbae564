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
        var boundary = OptimumChecks.Boundary(theta, deviance.DiagonalElements, thetaLabels, options.SingularTol, warnings);
        bool singular = boundary.Length > 0;
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

        OptimumChecks.GradientAndHessian(g, h, free, thetaLabels, options.GradientTol, options.HessianTol, "objective", warnings);
        return new Result(singular, warnings, g, h, evaluations);
    }
}
