using System.Runtime.CompilerServices;

namespace Multilevel.Numerics.Internals;

/// <summary>
/// Naive column-major reference kernels (the original, obviously correct loops). The fast kernels in
/// <see cref="DenseKernels"/> are tested against these; nothing in the library calls them on a hot path.
/// </summary>
internal static class ReferenceKernels
{
    /// <summary>Left-looking unblocked Cholesky; −1 on success, else the first non-positive pivot column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: fair in benchmarks
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: fair in benchmarks
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

    /// <summary>Lower triangle of C (n × n) −= A · Aᵀ where A is n × k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: fair in benchmarks
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

    /// <summary>B (m × n) := B · L⁻ᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: fair in benchmarks
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

    /// <summary>B (m × n) := B · L⁻¹ (solves X L = B).</summary>
    public static void TrsmRightLower(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            for (int p = j + 1; p < n; p++)
            {
                double lpj = l[j * ldl + p];
                for (int i = 0; i < m; i++) b[j * ldb + i] -= b[p * ldb + i] * lpj;
            }
            double d = l[j * ldl + j];
            for (int i = 0; i < m; i++) b[j * ldb + i] /= d;
        }
    }

    /// <summary>Solves L x = b in place.</summary>
    public static void SolveLower(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        for (int j = 0; j < n; j++)
        {
            double xj = x[j] / l[j * ldl + j];
            x[j] = xj;
            for (int i = j + 1; i < n; i++) x[i] -= l[j * ldl + i] * xj;
        }
    }

    /// <summary>Solves Lᵀ x = b in place.</summary>
    public static void SolveLowerTranspose(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        for (int j = n - 1; j >= 0; j--)
        {
            double s = x[j];
            for (int i = j + 1; i < n; i++) s -= l[j * ldl + i] * x[i];
            x[j] = s / l[j * ldl + j];
        }
    }

    /// <summary>Lower triangle of L⁻¹ (by forward substitution on the columns of I) into <paramref name="inv"/>.</summary>
    public static void InvertLower(int n, ReadOnlySpan<double> l, int ldl, Span<double> inv, int ldi)
    {
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            SolveLower(n, l, ldl, e);
            for (int i = 0; i < n; i++) inv[j * ldi + i] = i >= j ? e[i] : 0;
        }
    }

    /// <summary>Full symmetric (L Lᵀ)⁻¹ by solving L Lᵀ X = I column by column.</summary>
    public static void CholeskyInverse(int n, ReadOnlySpan<double> l, int ldl, Span<double> inv, int ldi)
    {
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            SolveLower(n, l, ldl, e);
            SolveLowerTranspose(n, l, ldl, e);
            for (int i = 0; i < n; i++) inv[j * ldi + i] = e[i];
        }
    }
}
