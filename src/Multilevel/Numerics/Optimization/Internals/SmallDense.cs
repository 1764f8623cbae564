namespace Multilevel.Numerics.Optimization.Internals;

/// <summary>
/// Small dense linear algebra for the optimisers (matrices of a few dozen rows, column-major,
/// element (i, j) of an r-row matrix at <c>j * r + i</c>). Plain loops in a fixed order, so results are
/// deterministic; these are not hot paths.
/// </summary>
internal static class SmallDense
{
    /// <summary>
    /// Householder QR of the m × k matrix A (m ≥ k): A = Q R with Q (m × m) orthogonal and R (k × k)
    /// upper triangular. A is overwritten.
    /// </summary>
    /// <returns>False when a column of A is (numerically) dependent on the previous ones.</returns>
    public static bool QrFull(double[] a, int m, int k, double[] q, double[] r)
    {
        var v = new double[m * k];
        var tau = new double[k];
        double scale = 0;
        for (int t = 0; t < m * k; t++) scale = Math.Max(scale, Math.Abs(a[t]));
        bool ok = true;
        for (int j = 0; j < k; j++)
        {
            double norm = 0;
            for (int i = j; i < m; i++) norm += a[j * m + i] * a[j * m + i];
            norm = Math.Sqrt(norm);
            if (!(norm > 1e-14 * scale)) ok = false;
            double alpha = a[j * m + j] >= 0 ? -norm : norm;
            // v = x - alpha e1, normalised so that H = I - tau v vᵀ with v[j] = 1.
            double v0 = a[j * m + j] - alpha;
            v[j * m + j] = 1;
            for (int i = j + 1; i < m; i++) v[j * m + i] = v0 != 0 ? a[j * m + i] / v0 : 0;
            tau[j] = v0 != 0 && norm != 0 ? -v0 / alpha : 0;
            a[j * m + j] = alpha;
            for (int i = j + 1; i < m; i++) a[j * m + i] = 0;
            for (int c = j + 1; c < k; c++)
            {
                double s = a[c * m + j];
                for (int i = j + 1; i < m; i++) s += v[j * m + i] * a[c * m + i];
                s *= tau[j];
                a[c * m + j] -= s;
                for (int i = j + 1; i < m; i++) a[c * m + i] -= s * v[j * m + i];
            }
        }
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < k; i++) r[c * k + i] = i <= c ? a[c * m + i] : 0;
        }
        // Q = H_0 H_1 … H_{k-1} applied to the identity, accumulated from the last reflector.
        Array.Clear(q, 0, m * m);
        for (int i = 0; i < m; i++) q[i * m + i] = 1;
        for (int j = k - 1; j >= 0; j--)
        {
            if (tau[j] == 0) continue;
            for (int c = 0; c < m; c++)
            {
                double s = q[c * m + j];
                for (int i = j + 1; i < m; i++) s += v[j * m + i] * q[c * m + i];
                s *= tau[j];
                q[c * m + j] -= s;
                for (int i = j + 1; i < m; i++) q[c * m + i] -= s * v[j * m + i];
            }
        }
        return ok;
    }

    /// <summary>In-place lower Cholesky factor of the n × n symmetric matrix A (lower triangle used).</summary>
    /// <returns>False when A is not (numerically) positive definite.</returns>
    public static bool Cholesky(double[] a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int t = 0; t < j; t++) d -= a[t * n + j] * a[t * n + j];
            if (!(d > 0) || !double.IsFinite(d)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[j * n + i];
                for (int t = 0; t < j; t++) s -= a[t * n + i] * a[t * n + j];
                a[j * n + i] = s / d;
            }
            for (int i = 0; i < j; i++) a[j * n + i] = 0;
        }
        return true;
    }

    /// <summary>Dot product of two spans.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }
}
