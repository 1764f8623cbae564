using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// lme4's <c>checkConv</c> for a GLMM at the optimum of (θ, β): the singular-fit flag (a diagonal element of some λ
/// below its tolerance), then, over the parameters not on that boundary, the scaled gradient (min of |H⁻¹ᐟ² g| and
/// |g| per component) against its tolerance and the eigenvalues of the Hessian (negative, zero, very large or
/// a large ratio).
/// </summary>
internal static class GlmmConvergence
{
    public static (bool Singular, List<string> Warnings) Check(
        double[] theta, bool[] diagonal, double[]? gradient, double[,]? hessian, string[] labels, double singularTol, double gradientTol, double hessianTol)
    {
        var warnings = new List<string>();
        var boundary = Enumerable.Range(0, theta.Length).Where(i => diagonal[i] && theta[i] < singularTol).ToList();
        bool singular = boundary.Count > 0;
        if (singular)
        {
            warnings.Add("boundary (singular) fit: " + string.Join(", ", boundary.Select(i => string.Create(CultureInfo.InvariantCulture, $"θ[{i + 1}] ({labels[i]}) = {theta[i]:G4}"))) +
                string.Create(CultureInfo.InvariantCulture, $" below {singularTol:G}: a random-effects variance is (nearly) zero or a correlation (nearly) ±1 (lme4's isSingular)"));
        }
        if (gradient is null || hessian is null) return (singular, warnings);
        int total = gradient.Length;
        var free = Enumerable.Range(0, total).Where(i => !boundary.Contains(i)).ToArray();
        if (free.Length == 0) return (singular, warnings);
        var g = free.Select(i => gradient[i]).ToArray();
        if (g.Any(v => !double.IsFinite(v)))
        {
            warnings.Add("the gradient at the optimum is not finite: the convergence check could not be done");
            return (singular, warnings);
        }
        var h = Matrix<double>.Build.Dense(free.Length, free.Length, (r, c) => hessian[free[r], free[c]]);
        if (!h.Enumerate().All(double.IsFinite))
        {
            warnings.Add("the Hessian at the optimum is not finite: the convergence check could not be done");
            return (singular, warnings);
        }
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? chol = null;
        try
        {
            chol = h.Cholesky();
        }
        catch (ArgumentException)
        {
        }
        if (chol is null)
        {
            warnings.Add("unable to evaluate the scaled gradient: the Hessian of the deviance at the optimum is not positive definite");
        }
        else
        {
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
            if (worst > gradientTol)
            {
                int c = free[component];
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Model failed to converge with max|grad| = {worst:G6} (tol = {gradientTol:G}, component {c + 1}: {labels[c]})"));
            }
        }
        var eigen = h.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        int negative = eigen.Count(e => e < -hessianTol);
        if (negative > 0)
        {
            warnings.Add($"Model failed to converge: degenerate Hessian with {negative} negative eigenvalue{(negative == 1 ? "" : "s")}");
        }
        else if (eigen.Any(e => Math.Abs(e) < hessianTol) || chol is null)
        {
            warnings.Add("Hessian is numerically singular: parameters are not uniquely determined");
        }
        else
        {
            double max = eigen.Max(), min = eigen.Min();
            if (max * hessianTol > 1) warnings.Add("Model is nearly unidentifiable: very large eigenvalue - rescale variables?");
            if (min / max < hessianTol) warnings.Add("Model is nearly unidentifiable: large eigenvalue ratio - rescale variables?");
        }
        return (singular, warnings);
    }
}
