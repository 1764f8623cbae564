namespace Multilevel.Numerics;

/// <summary>
/// Dense linear-algebra kernels on column-major storage with a leading dimension (element (i, j) of a
/// matrix with leading dimension ld is at <c>j * ld + i</c>). These are the hot loops of the mixed-model
/// objective; every kernel is deterministic (fixed summation order for a given size).
/// </summary>
public static class DenseKernels
{
    /// <summary>
    /// In-place Cholesky factorisation of the lower triangle of the n × n matrix A: on return the lower
    /// triangle holds L with A = L Lᵀ; the strict upper triangle is not referenced.
    /// </summary>
    /// <returns>−1 on success; otherwise the 0-based column whose pivot was not positive (A is not positive definite).</returns>
    public static int CholeskyLower(Span<double> a, int n, int lda)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * lda + j];
            for (int k = 0; k < j; k++)
            {
                double l = a[k * lda + j];
                d -= l * l;
            }
            if (!(d > 0)) return j;
            d = Math.Sqrt(d);
            a[j * lda + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[j * lda + i];
                for (int k = 0; k < j; k++) s -= a[k * lda + i] * a[k * lda + j];
                a[j * lda + i] = s / d;
            }
        }
        return -1;
    }

    /// <summary>C (m × n) −= A (m × k) · Bᵀ where B is n × k.</summary>
    public static void GemmNtSubtract(int m, int n, int k, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < k; p++)
            {
                double bjp = b[p * ldb + j];
                if (bjp == 0) continue;
                for (int i = 0; i < m; i++) c[j * ldc + i] -= a[p * lda + i] * bjp;
            }
        }
    }

    /// <summary>Lower triangle of C (n × n) −= A · Aᵀ where A is n × k; the strict upper triangle of C is not referenced.</summary>
    public static void SyrkLowerSubtract(int n, int k, ReadOnlySpan<double> a, int lda, Span<double> c, int ldc)
    {
        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < k; p++)
            {
                double ajp = a[p * lda + j];
                if (ajp == 0) continue;
                for (int i = j; i < n; i++) c[j * ldc + i] -= a[p * lda + i] * ajp;
            }
        }
    }

    /// <summary>B (m × n) := B · L⁻ᵀ where L is n × n lower triangular (solves X Lᵀ = B).</summary>
    public static void TrsmRightLowerTranspose(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
    {
        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < j; p++)
            {
                double ljp = l[p * ldl + j];
                if (ljp == 0) continue;
                for (int i = 0; i < m; i++) b[j * ldb + i] -= b[p * ldb + i] * ljp;
            }
            double d = l[j * ldl + j];
            for (int i = 0; i < m; i++) b[j * ldb + i] /= d;
        }
    }

    /// <summary>Solves L x = b in place (L n × n lower triangular).</summary>
    public static void SolveLower(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        for (int j = 0; j < n; j++)
        {
            double xj = x[j] / l[j * ldl + j];
            x[j] = xj;
            for (int i = j + 1; i < n; i++) x[i] -= l[j * ldl + i] * xj;
        }
    }

    /// <summary>Solves Lᵀ x = b in place (L n × n lower triangular).</summary>
    public static void SolveLowerTranspose(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            double s = x[j];
            for (int i = j + 1; i < n; i++) s -= l[j * ldl + i] * x[i];
            x[j] = s / l[j * ldl + j];
        }
    }
}
