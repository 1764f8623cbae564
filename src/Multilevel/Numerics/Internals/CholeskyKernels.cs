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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// Left-looking unblocked factorisation: column j is updated by all earlier columns with the running
    /// sums held in vector registers, in groups of 4 vectors (4 independent chains; the last group's
    /// vectors are shifted to end at row n and may overlap each other, which is harmless because a group
    /// loads everything before it stores), then scaled by 1/√pivot. Every element sums its terms in
    /// increasing order, in a vector lane or in the scalar tail alike.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Unblocked<TA>(double* a, int n, int lda) where TA : struct, IArith
    {
        int vc = Vector<double>.Count;
        for (int j = 0; j < n; j++)
        {
            double* aj = a + (nint)j * lda;
            double* rowj = a + j;
            int i = j;
            while (n - i >= vc)
            {
                int last = n - vc;
                int o0 = i, o1 = Math.Min(i + vc, last), o2 = Math.Min(i + 2 * vc, last), o3 = Math.Min(i + 3 * vc, last);
                Vector<double> s0 = Vector.Load(aj + o0), s1 = Vector.Load(aj + o1), s2 = Vector.Load(aj + o2), s3 = Vector.Load(aj + o3);
                double* ap = a;
                for (int p = 0; p < j; p++, ap += lda)
                {
                    var f = new Vector<double>(-rowj[(nint)p * lda]);
                    s0 = TA.Mad(Vector.Load(ap + o0), f, s0);
                    s1 = TA.Mad(Vector.Load(ap + o1), f, s1);
                    s2 = TA.Mad(Vector.Load(ap + o2), f, s2);
                    s3 = TA.Mad(Vector.Load(ap + o3), f, s3);
                }
                s0.Store(aj + o0);
                s1.Store(aj + o1);
                s2.Store(aj + o2);
                s3.Store(aj + o3);
                i = Math.Min(n, i + 4 * vc);
            }
            if (i < n)
            {
                // Fewer than vc rows left (only when the whole segment is shorter than a vector): up to 3 scalar chains.
                int r0 = i, r1 = Math.Min(i + 1, n - 1), r2 = Math.Min(i + 2, n - 1);
                double t0 = aj[r0], t1 = aj[r1], t2 = aj[r2];
                double* ap = a;
                for (int p = 0; p < j; p++, ap += lda)
                {
                    double f = -rowj[(nint)p * lda];
                    t0 = TA.Mad(ap[r0], f, t0);
                    t1 = TA.Mad(ap[r1], f, t1);
                    t2 = TA.Mad(ap[r2], f, t2);
                }
                aj[r0] = t0;
                aj[r1] = t1;
                aj[r2] = t2;
            }
            double d = aj[j];
            if (!(d > 0)) return j;
            d = Math.Sqrt(d);
            aj[j] = d;
            double rd = 1.0 / d;
            for (i = j + 1; i < n; i++) aj[i] *= rd;
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
