using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Multilevel.Models.Internals;

/// <summary>
/// lme4's <c>checkConv</c> at an optimum, shared by linear and generalized linear mixed models: the singular-fit flag
/// (a diagonal element of some λ below its tolerance) and, over the parameters not on that boundary, the scaled
/// gradient (min of |H⁻¹ᐟ² g| and |g| per component) against its tolerance and the eigenvalues of the Hessian
/// (negative, zero, very large, or a large ratio).
/// </summary>
internal static class OptimumChecks
{
    /// <summary>Indices of θ on the boundary; adds lme4's singular-fit warning to <paramref name="warnings"/> when there are any.</summary>
    public static int[] Boundary(double[] theta, bool[] diagonal, string[] labels, double singularTol, List<string> warnings)
    {
        var boundary = Enumerable.Range(0, theta.Length).Where(i => diagonal[i] && theta[i] < singularTol).ToArray();
        if (boundary.Length > 0)
        {
            warnings.Add("boundary (singular) fit: " +
                string.Join(", ", boundary.Select(i => string.Create(CultureInfo.InvariantCulture, $"θ[{i + 1}] ({labels[i]}) = {theta[i]:G4}"))) +
                string.Create(CultureInfo.InvariantCulture, $" below {singularTol:G}: a random-effects variance is (nearly) zero or a correlation (nearly) ±1 (lme4's isSingular)"));
        }
        return boundary;
    }

    /// <summary>
    /// The gradient and Hessian checks over the free parameters: <paramref name="gradient"/> and <paramref name="hessian"/>
    /// are already restricted to them, <paramref name="free"/> maps their positions to <paramref name="labels"/>.
    /// </summary>
    public static void GradientAndHessian(double[] gradient, double[,] hessian, int[] free, string[] labels, double gradientTol, double hessianTol,
        string objectiveName, List<string> warnings)
    {
        var h = Matrix<double>.Build.DenseOfArray(hessian);
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
            warnings.Add($"unable to evaluate the scaled gradient: the Hessian of the {objectiveName} at the optimum is not positive definite");
        }
        else
        {
            // lme4: solve(chol(H), g) with R's upper factor U (H = UᵀU): U⁻¹ g = L⁻ᵀ g
            var scaled = chol.Factor.Transpose().Solve(Vector<double>.Build.DenseOfArray(gradient));
            double worst = 0;
            int component = -1;
            for (int i = 0; i < gradient.Length; i++)
            {
                double m = Math.Min(Math.Abs(scaled[i]), Math.Abs(gradient[i]));
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
    }
}
