using System.Numerics;
using System.Runtime.CompilerServices;

namespace Multilevel.Numerics.Internals;

/// <summary>
/// Cholesky factorisation A = L Lᵀ (lower triangle, column-major, in place). Recursive (Gustavson):
/// factor A11, solve A21 := A21 L11⁻ᵀ, update A22 −= A21 A21ᵀ with the packed SYRK, factor A22; blocks of
/// order ≤ <see cref="BaseSize"/> use a vectorised right-looking loop. The recursion depends on n only,
/// and the parallel pieces (TRSM rows, SYRK units) do not change any element's arithmetic, so the result
/// is the same bits for any number of threads.
/// </summary>
[SkipLocalsInit]
internal static unsafe class CholeskyKernels
{
    /// <summary>Order of the diagonal blocks factorised without recursion.</summary>
    public const int BaseSize = 32;

    /// <summary>Factorises; −1 on success, else the first column whose pivot is not positive.</summary>
    public static int Factor(KernelContext cx, double* a, int n, int lda)
    {
        if (n <= BaseSize) return cx.Set.Fused ? Unblocked<FusedArith>(a, n, lda) : Unblocked<PlainArith>(a, n, lda);
        int n1 = Triangular.Split(n), n2 = n - n1;
        int r = Factor(cx, a, n1, lda);
        if (r >= 0) return r;
        double* a21 = a + n1;
        double* a22 = a + n1 + (nint)n1 * lda;
        Triangular.RightLowerTranspose(cx, n2, n1, a, lda, a21, lda);
        PackedGemm.Update(cx, n2, n2, n1, -1.0, Operand.ColumnMajor(a21, lda), Operand.ColumnMajor(a21, lda), a22, lda, true);
        r = Factor(cx, a22, n2, lda);
        return r < 0 ? -1 : n1 + r;
    }

    /// <summary>Right-looking unblocked factorisation (vectorised rank-1 updates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Unblocked<TA>(double* a, int n, int lda) where TA : struct, IArith
    {
        int vc = Vector<double>.Count;
        for (int j = 0; j < n; j++)
        {
            double* aj = a + (nint)j * lda;
            double d = aj[j];
            if (!(d > 0)) return j;
            d = Math.Sqrt(d);
            aj[j] = d;
            double rd = 1.0 / d;
            for (int i = j + 1; i < n; i++) aj[i] *= rd;
            for (int c = j + 1; c < n; c++)
            {
                double* ac = a + (nint)c * lda;
                double f = -aj[c];
                int i = c;
                var fv = new Vector<double>(f);
                for (; i + vc <= n; i += vc) TA.Mad(Vector.Load(aj + i), fv, Vector.Load(ac + i)).Store(ac + i);
                for (; i < n; i++) ac[i] = TA.Mad(aj[i], f, ac[i]);
            }
        }
        return -1;
    }

    /// <summary>
    /// Factorises <paramref name="count"/> independent q × q blocks stored one after the other (each
    /// column-major with leading dimension q). Returns −1, or block · q + column of the first failure.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int BlockDiagonal(KernelContext cx, double* blocks, int q, int count)
    {
        long size = (long)q * q;
        switch (q)
        {
            case 1:
                for (int b = 0; b < count; b++)
                {
                    double d = blocks[b];
                    if (!(d > 0)) return b;
                    blocks[b] = Math.Sqrt(d);
                }
                return -1;
            case 2:
                for (int b = 0; b < count; b++)
                {
                    double* x = blocks + b * size;
                    double d0 = x[0];
                    if (!(d0 > 0)) return 2 * b;
                    d0 = Math.Sqrt(d0);
                    double l10 = x[1] / d0;
                    double d1 = x[3] - l10 * l10;
                    if (!(d1 > 0)) return 2 * b + 1;
                    x[0] = d0;
                    x[1] = l10;
                    x[3] = Math.Sqrt(d1);
                }
                return -1;
            default:
                for (int b = 0; b < count; b++)
                {
                    int r = cx.Set.Fused ? Unblocked<FusedArith>(blocks + b * size, q, q) : Unblocked<PlainArith>(blocks + b * size, q, q);
                    if (r >= 0) return b * q + r;
                }
                return -1;
        }
    }
}
