namespace Multilevel.Models.Internals;

/// <summary>
/// Gradient and Hessian by central differences, as lme4's <c>deriv12</c> (step δ = 1e-4, no bounds): for
/// each coordinate j two evaluations, for each pair i &lt; j four more.
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
        for (int j = 0; j < n; j++)
        {
            int cj = free[j];
            double fadd = At((cj, d));
            double fsub = At((cj, -d));
            h[j, j] = (fadd - 2 * fx + fsub) / (d * d);
            g[j] = (fadd - fsub) / (2 * d);
            for (int i = 0; i < j; i++)
            {
                int ci = free[i];
                double faa = At((ci, d), (cj, d));
                double fas = At((ci, d), (cj, -d));
                double fsa = At((ci, -d), (cj, d));
                double fss = At((ci, -d), (cj, -d));
                double hij = (faa - fas - fsa + fss) / (4 * d * d);
                h[i, j] = hij;
                h[j, i] = hij;
            }
        }
        return (g, h);
    }
}
