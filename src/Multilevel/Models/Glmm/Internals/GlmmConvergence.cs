using Multilevel.Models.Internals;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>lme4's <c>checkConv</c> for a GLMM at the optimum of (θ, β) (<see cref="OptimumChecks"/>), from the Hessian of the standard errors.</summary>
internal static class GlmmConvergence
{
    public static (bool Singular, List<string> Warnings) Check(
        double[] theta, bool[] diagonal, double[]? gradient, double[,]? hessian, string[] labels, double singularTol, double gradientTol, double hessianTol)
    {
        var warnings = new List<string>();
        var boundary = OptimumChecks.Boundary(theta, diagonal, labels, singularTol, warnings);
        bool singular = boundary.Length > 0;
        if (gradient is null || hessian is null) return (singular, warnings);
        var free = Enumerable.Range(0, gradient.Length).Where(i => !boundary.Contains(i)).ToArray();
        if (free.Length == 0) return (singular, warnings);
        var g = free.Select(i => gradient[i]).ToArray();
        if (g.Any(v => !double.IsFinite(v)))
        {
            warnings.Add("the gradient at the optimum is not finite: the convergence check could not be done");
            return (singular, warnings);
        }
        var h = new double[free.Length, free.Length];
        for (int r = 0; r < free.Length; r++)
        {
            for (int c = 0; c < free.Length; c++) h[r, c] = hessian[free[r], free[c]];
        }
        if (!h.Cast<double>().All(double.IsFinite))
        {
            warnings.Add("the Hessian at the optimum is not finite: the convergence check could not be done");
            return (singular, warnings);
        }
        OptimumChecks.GradientAndHessian(g, h, free, labels, gradientTol, hessianTol, "deviance", warnings);
        return (singular, warnings);
    }
}
