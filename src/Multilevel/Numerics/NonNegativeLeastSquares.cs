namespace Multilevel.Numerics;

/// <summary>
/// Non-negative least squares min ‖M x − d‖₂ subject to x ≥ 0 by the active-set method of Lawson and
/// Hanson (1974, ch. 23), for a short, wide M (k × m with k small): each step solves a least-squares
/// problem on the passive columns only, so the work per step is O(k m).
/// </summary>
public static class NonNegativeLeastSquares
{
    /// <summary>Solves the problem.</summary>
    /// <param name="m">Column-major k × <paramref name="columns"/> matrix M (column j contiguous).</param>
    /// <param name="rows">k.</param>
    /// <param name="columns">m.</param>
    /// <param name="d">Right-hand side, length k.</param>
    /// <param name="maxIterations">Largest number of columns entering the passive set (default 3m + 30).</param>
    /// <returns>x ≥ 0 (length m), the residual d − M x (length k), and whether the optimality conditions were met.</returns>
    public static (double[] X, double[] Residual, bool Converged) Solve(
        ReadOnlySpan<double> m, int rows, int columns, ReadOnlySpan<double> d, int maxIterations = 0)
    {
        int k = rows;
        if (m.Length != (long)k * columns) throw new ArgumentException($"m has {m.Length} values, expected {k} × {columns}", nameof(m));
        if (d.Length != k) throw new ArgumentException($"d has {d.Length} values, expected {k}", nameof(d));
        if (maxIterations <= 0) maxIterations = 3 * columns + 30;
        var x = new double[columns];
        var passive = new List<int>();
        var inPassive = new bool[columns];
        var r = d.ToArray();
        var w = new double[columns];
        double scale = 0;
        for (int j = 0; j < columns; j++)
        {
            double s = 0;
            for (int i = 0; i < k; i++) s += m[j * k + i] * m[j * k + i];
            scale = Math.Max(scale, Math.Sqrt(s));
        }
        double dnorm = Math.Sqrt(d.ToArray().Sum(v => v * v));
        double tol = 1e-12 * Math.Max(scale, 1e-300) * Math.Max(dnorm, 1e-300);
        int entered = 0;
        bool converged = false;
        while (true)
        {
            // w = Mᵀ r
            int best = -1;
            double bestW = tol;
            for (int j = 0; j < columns; j++)
            {
                if (inPassive[j]) continue;
                double s = 0;
                for (int i = 0; i < k; i++) s += m[j * k + i] * r[i];
                w[j] = s;
                if (s > bestW) { bestW = s; best = j; }
            }
            if (best < 0) { converged = true; break; }
            if (entered++ >= maxIterations) break;
            passive.Add(best);
            inPassive[best] = true;
            while (true)
            {
                var z = SolvePassive(m, k, passive, d);
                bool allPositive = true;
                for (int t = 0; t < passive.Count; t++) if (!(z[t] > 0)) { allPositive = false; break; }
                if (allPositive)
                {
                    for (int t = 0; t < passive.Count; t++) x[passive[t]] = z[t];
                    break;
                }
                double alpha = double.PositiveInfinity;
                for (int t = 0; t < passive.Count; t++)
                {
                    if (z[t] > 0) continue;
                    int j = passive[t];
                    double a = x[j] / (x[j] - z[t]);
                    if (a < alpha) alpha = a;
                }
                if (!double.IsFinite(alpha)) alpha = 0;
                for (int t = 0; t < passive.Count; t++)
                {
                    int j = passive[t];
                    double zt = double.IsNaN(z[t]) ? 0 : z[t];
                    x[j] += alpha * (zt - x[j]);
                }
                for (int t = passive.Count - 1; t >= 0; t--)
                {
                    int j = passive[t];
                    if (x[j] <= 1e-15 * Math.Max(1, x.Max()))
                    {
                        x[j] = 0;
                        inPassive[j] = false;
                        passive.RemoveAt(t);
                    }
                }
                if (passive.Count == 0) break;
            }
            // r = d − M x
            d.CopyTo(r);
            foreach (int j in passive)
            {
                double xj = x[j];
                for (int i = 0; i < k; i++) r[i] -= m[j * k + i] * xj;
            }
        }
        return (x, r, converged);
    }

    private static double[] SolvePassive(ReadOnlySpan<double> m, int k, List<int> passive, ReadOnlySpan<double> d)
    {
        int q = passive.Count;
        var a = new double[k * q];
        for (int t = 0; t < q; t++) m.Slice(passive[t] * k, k).CopyTo(a.AsSpan(t * k, k));
        var qr = HouseholderQr.Factor(a, k, q, 1e-12);
        var z = qr.Solve(d);
        return z;
    }
}
