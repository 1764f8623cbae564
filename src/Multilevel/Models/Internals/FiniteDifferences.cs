namespace Multilevel.Models.Internals;

/// <summary>
/// Gradient and Hessian by finite differences with lme4's step δ = 1e-4 (no bounds): the gradient and the
/// diagonal of the Hessian by central differences (two evaluations per coordinate, as lme4's <c>deriv12</c>),
/// an off-diagonal element from one more evaluation, f(x + δeᵢ + δeⱼ) − f(x + δeᵢ) − f(x + δeⱼ) + f(x) over δ²
/// (lme4 spends four; the O(δ) error is immaterial to the convergence checks). 2n + n(n−1)/2 evaluations.
/// </summary>
internal static class FiniteDifferences
{
    public const double Step = 1e-4;

    /// <summary>Derivatives of f at x with respect to the coordinates listed in <paramref name="free"/>.</summary>
    public static (double[] Gradient, double[,] Hessian) Derivatives(Func<double[], double> f, double[] x, double fx, int[] free, CancellationToken cancellationToken)
    {
        int n = free.Length;
        var g = new double[n];
        var h = new double[n, n];
        double d = Step;
        double At(params (int Index, double Shift)[] moves)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var y = (double[])x.Clone();
            foreach (var (index, shift) in moves) y[index] += shift;
            return f(y);
        }
        var plus = new double[n];
        for (int j = 0; j < n; j++)
        {
            int cj = free[j];
            double fadd = At((cj, d));
            double fsub = At((cj, -d));
            plus[j] = fadd;
            h[j, j] = (fadd - 2 * fx + fsub) / (d * d);
            g[j] = (fadd - fsub) / (2 * d);
        }
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < j; i++)
            {
                double faa = At((free[i], d), (free[j], d));
                double hij = (faa - plus[i] - plus[j] + fx) / (d * d);
                h[i, j] = hij;
                h[j, i] = hij;
            }
        }
        return (g, h);
    }
}
