using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Multilevel.Numerics.Internals;

/// <summary>
/// Register-blocked micro-kernels of the packed GEMM engine. Each computes, over packed panels
/// (A: MR values per step of p, B: NR values per step of p, zero-padded), the MR × NR tile
/// acc = Σ_p a_p b_pᵀ with one accumulator per element in increasing p, and then writes
/// C[r, s] += alpha · acc[r, s] for r &lt; mr, s &lt; nr and r − s ≥ lowMin (lowMin = j0 − i0 restricts a
/// tile to the lower triangle of a diagonal block; a large negative lowMin writes the whole tile).
/// Full tiles and edge tiles use the same arithmetic, so an element's bits do not depend on where the
/// tile boundaries fall (that is what makes any row or column partition between threads deterministic).
/// </summary>
[SkipLocalsInit]
internal static unsafe class MicroKernels
{
    /// <summary>Edge-tile write-back with fused multiply-add (the same rounding as the vector write-back).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterFused(double* t, int ldt, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        for (int s = 0; s < nr; s++)
        {
            int r0 = Math.Max(0, lowMin + s);
            double* cs = c + s * ldc;
            double* ts = t + s * ldt;
            for (int r = r0; r < mr; r++) cs[r] = Math.FusedMultiplyAdd(ts[r], alpha, cs[r]);
        }
    }

    /// <summary>Edge-tile write-back with a separate multiply and add (kernels without FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterPlain(double* t, int ldt, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        for (int s = 0; s < nr; s++)
        {
            int r0 = Math.Max(0, lowMin + s);
            double* cs = c + s * ldc;
            double* ts = t + s * ldt;
            for (int r = r0; r < mr; r++) cs[r] = cs[r] + ts[r] * alpha;
        }
    }

    /// <summary>Scalar 4 × 4 kernel for hardware without SIMD acceleration (multiply then add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Scalar4x4(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        double* t = stackalloc double[16];
        for (int i = 0; i < 16; i++) t[i] = 0;
        for (int p = 0; p < kc; p++)
        {
            for (int s = 0; s < 4; s++)
            {
                double b = pb[s];
                t[s * 4 + 0] += pa[0] * b;
                t[s * 4 + 1] += pa[1] * b;
                t[s * 4 + 2] += pa[2] * b;
                t[s * 4 + 3] += pa[3] * b;
            }
            pa += 4;
            pb += 4;
        }
        ScatterPlain(t, 4, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>AVX-512 24 × 8 kernel (24 zmm accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Avx512x24x8(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
        Vector512<double> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        Vector512<double> c20 = default, c21 = default, c22 = default, c23 = default, c24 = default, c25 = default, c26 = default, c27 = default;
        // Bring the C tile towards L1 while the loop runs (it is read and written only at the end).
        Sse.Prefetch0(c + 0 * ldc + 0);
        Sse.Prefetch0(c + 0 * ldc + 8);
        Sse.Prefetch0(c + 0 * ldc + 16);
        Sse.Prefetch0(c + 0 * ldc + 23);
        Sse.Prefetch0(c + 1 * ldc + 0);
        Sse.Prefetch0(c + 1 * ldc + 8);
        Sse.Prefetch0(c + 1 * ldc + 16);
        Sse.Prefetch0(c + 1 * ldc + 23);
        Sse.Prefetch0(c + 2 * ldc + 0);
        Sse.Prefetch0(c + 2 * ldc + 8);
        Sse.Prefetch0(c + 2 * ldc + 16);
        Sse.Prefetch0(c + 2 * ldc + 23);
        Sse.Prefetch0(c + 3 * ldc + 0);
        Sse.Prefetch0(c + 3 * ldc + 8);
        Sse.Prefetch0(c + 3 * ldc + 16);
        Sse.Prefetch0(c + 3 * ldc + 23);
        Sse.Prefetch0(c + 4 * ldc + 0);
        Sse.Prefetch0(c + 4 * ldc + 8);
        Sse.Prefetch0(c + 4 * ldc + 16);
        Sse.Prefetch0(c + 4 * ldc + 23);
        Sse.Prefetch0(c + 5 * ldc + 0);
        Sse.Prefetch0(c + 5 * ldc + 8);
        Sse.Prefetch0(c + 5 * ldc + 16);
        Sse.Prefetch0(c + 5 * ldc + 23);
        Sse.Prefetch0(c + 6 * ldc + 0);
        Sse.Prefetch0(c + 6 * ldc + 8);
        Sse.Prefetch0(c + 6 * ldc + 16);
        Sse.Prefetch0(c + 6 * ldc + 23);
        Sse.Prefetch0(c + 7 * ldc + 0);
        Sse.Prefetch0(c + 7 * ldc + 8);
        Sse.Prefetch0(c + 7 * ldc + 16);
        Sse.Prefetch0(c + 7 * ldc + 23);
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> a0 = Vector512.Load(pa + 0);
            Vector512<double> a1 = Vector512.Load(pa + 8);
            Vector512<double> a2 = Vector512.Load(pa + 16);
            Vector512<double> b0 = Vector512.Create(pb[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            Vector512<double> b1 = Vector512.Create(pb[1]);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            Vector512<double> b2 = Vector512.Create(pb[2]);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            Vector512<double> b3 = Vector512.Create(pb[3]);
            c03 = Avx512F.FusedMultiplyAdd(a0, b3, c03);
            c13 = Avx512F.FusedMultiplyAdd(a1, b3, c13);
            c23 = Avx512F.FusedMultiplyAdd(a2, b3, c23);
            Vector512<double> b4 = Vector512.Create(pb[4]);
            c04 = Avx512F.FusedMultiplyAdd(a0, b4, c04);
            c14 = Avx512F.FusedMultiplyAdd(a1, b4, c14);
            c24 = Avx512F.FusedMultiplyAdd(a2, b4, c24);
            Vector512<double> b5 = Vector512.Create(pb[5]);
            c05 = Avx512F.FusedMultiplyAdd(a0, b5, c05);
            c15 = Avx512F.FusedMultiplyAdd(a1, b5, c15);
            c25 = Avx512F.FusedMultiplyAdd(a2, b5, c25);
            Vector512<double> b6 = Vector512.Create(pb[6]);
            c06 = Avx512F.FusedMultiplyAdd(a0, b6, c06);
            c16 = Avx512F.FusedMultiplyAdd(a1, b6, c16);
            c26 = Avx512F.FusedMultiplyAdd(a2, b6, c26);
            Vector512<double> b7 = Vector512.Create(pb[7]);
            c07 = Avx512F.FusedMultiplyAdd(a0, b7, c07);
            c17 = Avx512F.FusedMultiplyAdd(a1, b7, c17);
            c27 = Avx512F.FusedMultiplyAdd(a2, b7, c27);
            pa += 24;
            pb += 8;
        }
        if (mr == 24 && nr == 8 && lowMin <= -7)
        {
            Vector512<double> al = Vector512.Create(alpha);
            double* d0 = c + 0 * ldc;
            Avx512F.FusedMultiplyAdd(c00, al, Vector512.Load(d0 + 0)).Store(d0 + 0);
            Avx512F.FusedMultiplyAdd(c10, al, Vector512.Load(d0 + 8)).Store(d0 + 8);
            Avx512F.FusedMultiplyAdd(c20, al, Vector512.Load(d0 + 16)).Store(d0 + 16);
            double* d1 = c + 1 * ldc;
            Avx512F.FusedMultiplyAdd(c01, al, Vector512.Load(d1 + 0)).Store(d1 + 0);
            Avx512F.FusedMultiplyAdd(c11, al, Vector512.Load(d1 + 8)).Store(d1 + 8);
            Avx512F.FusedMultiplyAdd(c21, al, Vector512.Load(d1 + 16)).Store(d1 + 16);
            double* d2 = c + 2 * ldc;
            Avx512F.FusedMultiplyAdd(c02, al, Vector512.Load(d2 + 0)).Store(d2 + 0);
            Avx512F.FusedMultiplyAdd(c12, al, Vector512.Load(d2 + 8)).Store(d2 + 8);
            Avx512F.FusedMultiplyAdd(c22, al, Vector512.Load(d2 + 16)).Store(d2 + 16);
            double* d3 = c + 3 * ldc;
            Avx512F.FusedMultiplyAdd(c03, al, Vector512.Load(d3 + 0)).Store(d3 + 0);
            Avx512F.FusedMultiplyAdd(c13, al, Vector512.Load(d3 + 8)).Store(d3 + 8);
            Avx512F.FusedMultiplyAdd(c23, al, Vector512.Load(d3 + 16)).Store(d3 + 16);
            double* d4 = c + 4 * ldc;
            Avx512F.FusedMultiplyAdd(c04, al, Vector512.Load(d4 + 0)).Store(d4 + 0);
            Avx512F.FusedMultiplyAdd(c14, al, Vector512.Load(d4 + 8)).Store(d4 + 8);
            Avx512F.FusedMultiplyAdd(c24, al, Vector512.Load(d4 + 16)).Store(d4 + 16);
            double* d5 = c + 5 * ldc;
            Avx512F.FusedMultiplyAdd(c05, al, Vector512.Load(d5 + 0)).Store(d5 + 0);
            Avx512F.FusedMultiplyAdd(c15, al, Vector512.Load(d5 + 8)).Store(d5 + 8);
            Avx512F.FusedMultiplyAdd(c25, al, Vector512.Load(d5 + 16)).Store(d5 + 16);
            double* d6 = c + 6 * ldc;
            Avx512F.FusedMultiplyAdd(c06, al, Vector512.Load(d6 + 0)).Store(d6 + 0);
            Avx512F.FusedMultiplyAdd(c16, al, Vector512.Load(d6 + 8)).Store(d6 + 8);
            Avx512F.FusedMultiplyAdd(c26, al, Vector512.Load(d6 + 16)).Store(d6 + 16);
            double* d7 = c + 7 * ldc;
            Avx512F.FusedMultiplyAdd(c07, al, Vector512.Load(d7 + 0)).Store(d7 + 0);
            Avx512F.FusedMultiplyAdd(c17, al, Vector512.Load(d7 + 8)).Store(d7 + 8);
            Avx512F.FusedMultiplyAdd(c27, al, Vector512.Load(d7 + 16)).Store(d7 + 16);
            return;
        }
        double* t = stackalloc double[24 * 8];
        c00.Store(t + 0 * 24 + 0);
        c10.Store(t + 0 * 24 + 8);
        c20.Store(t + 0 * 24 + 16);
        c01.Store(t + 1 * 24 + 0);
        c11.Store(t + 1 * 24 + 8);
        c21.Store(t + 1 * 24 + 16);
        c02.Store(t + 2 * 24 + 0);
        c12.Store(t + 2 * 24 + 8);
        c22.Store(t + 2 * 24 + 16);
        c03.Store(t + 3 * 24 + 0);
        c13.Store(t + 3 * 24 + 8);
        c23.Store(t + 3 * 24 + 16);
        c04.Store(t + 4 * 24 + 0);
        c14.Store(t + 4 * 24 + 8);
        c24.Store(t + 4 * 24 + 16);
        c05.Store(t + 5 * 24 + 0);
        c15.Store(t + 5 * 24 + 8);
        c25.Store(t + 5 * 24 + 16);
        c06.Store(t + 6 * 24 + 0);
        c16.Store(t + 6 * 24 + 8);
        c26.Store(t + 6 * 24 + 16);
        c07.Store(t + 7 * 24 + 0);
        c17.Store(t + 7 * 24 + 8);
        c27.Store(t + 7 * 24 + 16);
        ScatterFused(t, 24, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>AVX-512 16 × 12 kernel (24 zmm accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Avx512x16x12(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default, c08 = default, c09 = default, c0a = default, c0b = default;
        Vector512<double> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default, c18 = default, c19 = default, c1a = default, c1b = default;
        // Bring the C tile towards L1 while the loop runs (it is read and written only at the end).
        Sse.Prefetch0(c + 0 * ldc + 0);
        Sse.Prefetch0(c + 0 * ldc + 8);
        Sse.Prefetch0(c + 0 * ldc + 15);
        Sse.Prefetch0(c + 1 * ldc + 0);
        Sse.Prefetch0(c + 1 * ldc + 8);
        Sse.Prefetch0(c + 1 * ldc + 15);
        Sse.Prefetch0(c + 2 * ldc + 0);
        Sse.Prefetch0(c + 2 * ldc + 8);
        Sse.Prefetch0(c + 2 * ldc + 15);
        Sse.Prefetch0(c + 3 * ldc + 0);
        Sse.Prefetch0(c + 3 * ldc + 8);
        Sse.Prefetch0(c + 3 * ldc + 15);
        Sse.Prefetch0(c + 4 * ldc + 0);
        Sse.Prefetch0(c + 4 * ldc + 8);
        Sse.Prefetch0(c + 4 * ldc + 15);
        Sse.Prefetch0(c + 5 * ldc + 0);
        Sse.Prefetch0(c + 5 * ldc + 8);
        Sse.Prefetch0(c + 5 * ldc + 15);
        Sse.Prefetch0(c + 6 * ldc + 0);
        Sse.Prefetch0(c + 6 * ldc + 8);
        Sse.Prefetch0(c + 6 * ldc + 15);
        Sse.Prefetch0(c + 7 * ldc + 0);
        Sse.Prefetch0(c + 7 * ldc + 8);
        Sse.Prefetch0(c + 7 * ldc + 15);
        Sse.Prefetch0(c + 8 * ldc + 0);
        Sse.Prefetch0(c + 8 * ldc + 8);
        Sse.Prefetch0(c + 8 * ldc + 15);
        Sse.Prefetch0(c + 9 * ldc + 0);
        Sse.Prefetch0(c + 9 * ldc + 8);
        Sse.Prefetch0(c + 9 * ldc + 15);
        Sse.Prefetch0(c + 10 * ldc + 0);
        Sse.Prefetch0(c + 10 * ldc + 8);
        Sse.Prefetch0(c + 10 * ldc + 15);
        Sse.Prefetch0(c + 11 * ldc + 0);
        Sse.Prefetch0(c + 11 * ldc + 8);
        Sse.Prefetch0(c + 11 * ldc + 15);
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> a0 = Vector512.Load(pa + 0);
            Vector512<double> a1 = Vector512.Load(pa + 8);
            Vector512<double> b0 = Vector512.Create(pb[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            Vector512<double> b1 = Vector512.Create(pb[1]);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            Vector512<double> b2 = Vector512.Create(pb[2]);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            Vector512<double> b3 = Vector512.Create(pb[3]);
            c03 = Avx512F.FusedMultiplyAdd(a0, b3, c03);
            c13 = Avx512F.FusedMultiplyAdd(a1, b3, c13);
            Vector512<double> b4 = Vector512.Create(pb[4]);
            c04 = Avx512F.FusedMultiplyAdd(a0, b4, c04);
            c14 = Avx512F.FusedMultiplyAdd(a1, b4, c14);
            Vector512<double> b5 = Vector512.Create(pb[5]);
            c05 = Avx512F.FusedMultiplyAdd(a0, b5, c05);
            c15 = Avx512F.FusedMultiplyAdd(a1, b5, c15);
            Vector512<double> b6 = Vector512.Create(pb[6]);
            c06 = Avx512F.FusedMultiplyAdd(a0, b6, c06);
            c16 = Avx512F.FusedMultiplyAdd(a1, b6, c16);
            Vector512<double> b7 = Vector512.Create(pb[7]);
            c07 = Avx512F.FusedMultiplyAdd(a0, b7, c07);
            c17 = Avx512F.FusedMultiplyAdd(a1, b7, c17);
            Vector512<double> b8 = Vector512.Create(pb[8]);
            c08 = Avx512F.FusedMultiplyAdd(a0, b8, c08);
            c18 = Avx512F.FusedMultiplyAdd(a1, b8, c18);
            Vector512<double> b9 = Vector512.Create(pb[9]);
            c09 = Avx512F.FusedMultiplyAdd(a0, b9, c09);
            c19 = Avx512F.FusedMultiplyAdd(a1, b9, c19);
            Vector512<double> ba = Vector512.Create(pb[10]);
            c0a = Avx512F.FusedMultiplyAdd(a0, ba, c0a);
            c1a = Avx512F.FusedMultiplyAdd(a1, ba, c1a);
            Vector512<double> bb = Vector512.Create(pb[11]);
            c0b = Avx512F.FusedMultiplyAdd(a0, bb, c0b);
            c1b = Avx512F.FusedMultiplyAdd(a1, bb, c1b);
            pa += 16;
            pb += 12;
        }
        if (mr == 16 && nr == 12 && lowMin <= -11)
        {
            Vector512<double> al = Vector512.Create(alpha);
            double* d0 = c + 0 * ldc;
            Avx512F.FusedMultiplyAdd(c00, al, Vector512.Load(d0 + 0)).Store(d0 + 0);
            Avx512F.FusedMultiplyAdd(c10, al, Vector512.Load(d0 + 8)).Store(d0 + 8);
            double* d1 = c + 1 * ldc;
            Avx512F.FusedMultiplyAdd(c01, al, Vector512.Load(d1 + 0)).Store(d1 + 0);
            Avx512F.FusedMultiplyAdd(c11, al, Vector512.Load(d1 + 8)).Store(d1 + 8);
            double* d2 = c + 2 * ldc;
            Avx512F.FusedMultiplyAdd(c02, al, Vector512.Load(d2 + 0)).Store(d2 + 0);
            Avx512F.FusedMultiplyAdd(c12, al, Vector512.Load(d2 + 8)).Store(d2 + 8);
            double* d3 = c + 3 * ldc;
            Avx512F.FusedMultiplyAdd(c03, al, Vector512.Load(d3 + 0)).Store(d3 + 0);
            Avx512F.FusedMultiplyAdd(c13, al, Vector512.Load(d3 + 8)).Store(d3 + 8);
            double* d4 = c + 4 * ldc;
            Avx512F.FusedMultiplyAdd(c04, al, Vector512.Load(d4 + 0)).Store(d4 + 0);
            Avx512F.FusedMultiplyAdd(c14, al, Vector512.Load(d4 + 8)).Store(d4 + 8);
            double* d5 = c + 5 * ldc;
            Avx512F.FusedMultiplyAdd(c05, al, Vector512.Load(d5 + 0)).Store(d5 + 0);
            Avx512F.FusedMultiplyAdd(c15, al, Vector512.Load(d5 + 8)).Store(d5 + 8);
            double* d6 = c + 6 * ldc;
            Avx512F.FusedMultiplyAdd(c06, al, Vector512.Load(d6 + 0)).Store(d6 + 0);
            Avx512F.FusedMultiplyAdd(c16, al, Vector512.Load(d6 + 8)).Store(d6 + 8);
            double* d7 = c + 7 * ldc;
            Avx512F.FusedMultiplyAdd(c07, al, Vector512.Load(d7 + 0)).Store(d7 + 0);
            Avx512F.FusedMultiplyAdd(c17, al, Vector512.Load(d7 + 8)).Store(d7 + 8);
            double* d8 = c + 8 * ldc;
            Avx512F.FusedMultiplyAdd(c08, al, Vector512.Load(d8 + 0)).Store(d8 + 0);
            Avx512F.FusedMultiplyAdd(c18, al, Vector512.Load(d8 + 8)).Store(d8 + 8);
            double* d9 = c + 9 * ldc;
            Avx512F.FusedMultiplyAdd(c09, al, Vector512.Load(d9 + 0)).Store(d9 + 0);
            Avx512F.FusedMultiplyAdd(c19, al, Vector512.Load(d9 + 8)).Store(d9 + 8);
            double* da = c + 10 * ldc;
            Avx512F.FusedMultiplyAdd(c0a, al, Vector512.Load(da + 0)).Store(da + 0);
            Avx512F.FusedMultiplyAdd(c1a, al, Vector512.Load(da + 8)).Store(da + 8);
            double* db = c + 11 * ldc;
            Avx512F.FusedMultiplyAdd(c0b, al, Vector512.Load(db + 0)).Store(db + 0);
            Avx512F.FusedMultiplyAdd(c1b, al, Vector512.Load(db + 8)).Store(db + 8);
            return;
        }
        double* t = stackalloc double[16 * 12];
        c00.Store(t + 0 * 16 + 0);
        c10.Store(t + 0 * 16 + 8);
        c01.Store(t + 1 * 16 + 0);
        c11.Store(t + 1 * 16 + 8);
        c02.Store(t + 2 * 16 + 0);
        c12.Store(t + 2 * 16 + 8);
        c03.Store(t + 3 * 16 + 0);
        c13.Store(t + 3 * 16 + 8);
        c04.Store(t + 4 * 16 + 0);
        c14.Store(t + 4 * 16 + 8);
        c05.Store(t + 5 * 16 + 0);
        c15.Store(t + 5 * 16 + 8);
        c06.Store(t + 6 * 16 + 0);
        c16.Store(t + 6 * 16 + 8);
        c07.Store(t + 7 * 16 + 0);
        c17.Store(t + 7 * 16 + 8);
        c08.Store(t + 8 * 16 + 0);
        c18.Store(t + 8 * 16 + 8);
        c09.Store(t + 9 * 16 + 0);
        c19.Store(t + 9 * 16 + 8);
        c0a.Store(t + 10 * 16 + 0);
        c1a.Store(t + 10 * 16 + 8);
        c0b.Store(t + 11 * 16 + 0);
        c1b.Store(t + 11 * 16 + 8);
        ScatterFused(t, 16, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>AVX2/FMA 8 × 6 kernel (12 ymm accumulators: fits the 16 registers of AVX2-only hardware).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Avx2x8x6(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        // Bring the C tile towards L1 while the loop runs (it is read and written only at the end).
        Sse.Prefetch0(c + 0 * ldc + 0);
        Sse.Prefetch0(c + 0 * ldc + 7);
        Sse.Prefetch0(c + 1 * ldc + 0);
        Sse.Prefetch0(c + 1 * ldc + 7);
        Sse.Prefetch0(c + 2 * ldc + 0);
        Sse.Prefetch0(c + 2 * ldc + 7);
        Sse.Prefetch0(c + 3 * ldc + 0);
        Sse.Prefetch0(c + 3 * ldc + 7);
        Sse.Prefetch0(c + 4 * ldc + 0);
        Sse.Prefetch0(c + 4 * ldc + 7);
        Sse.Prefetch0(c + 5 * ldc + 0);
        Sse.Prefetch0(c + 5 * ldc + 7);
        for (int p = 0; p < kc; p++)
        {
            Vector256<double> a0 = Vector256.Load(pa + 0);
            Vector256<double> a1 = Vector256.Load(pa + 4);
            Vector256<double> b0 = Vector256.Create(pb[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            Vector256<double> b1 = Vector256.Create(pb[1]);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            Vector256<double> b2 = Vector256.Create(pb[2]);
            c02 = Fma.MultiplyAdd(a0, b2, c02);
            c12 = Fma.MultiplyAdd(a1, b2, c12);
            Vector256<double> b3 = Vector256.Create(pb[3]);
            c03 = Fma.MultiplyAdd(a0, b3, c03);
            c13 = Fma.MultiplyAdd(a1, b3, c13);
            Vector256<double> b4 = Vector256.Create(pb[4]);
            c04 = Fma.MultiplyAdd(a0, b4, c04);
            c14 = Fma.MultiplyAdd(a1, b4, c14);
            Vector256<double> b5 = Vector256.Create(pb[5]);
            c05 = Fma.MultiplyAdd(a0, b5, c05);
            c15 = Fma.MultiplyAdd(a1, b5, c15);
            pa += 8;
            pb += 6;
        }
        if (mr == 8 && nr == 6 && lowMin <= -5)
        {
            Vector256<double> al = Vector256.Create(alpha);
            double* d0 = c + 0 * ldc;
            Fma.MultiplyAdd(c00, al, Vector256.Load(d0 + 0)).Store(d0 + 0);
            Fma.MultiplyAdd(c10, al, Vector256.Load(d0 + 4)).Store(d0 + 4);
            double* d1 = c + 1 * ldc;
            Fma.MultiplyAdd(c01, al, Vector256.Load(d1 + 0)).Store(d1 + 0);
            Fma.MultiplyAdd(c11, al, Vector256.Load(d1 + 4)).Store(d1 + 4);
            double* d2 = c + 2 * ldc;
            Fma.MultiplyAdd(c02, al, Vector256.Load(d2 + 0)).Store(d2 + 0);
            Fma.MultiplyAdd(c12, al, Vector256.Load(d2 + 4)).Store(d2 + 4);
            double* d3 = c + 3 * ldc;
            Fma.MultiplyAdd(c03, al, Vector256.Load(d3 + 0)).Store(d3 + 0);
            Fma.MultiplyAdd(c13, al, Vector256.Load(d3 + 4)).Store(d3 + 4);
            double* d4 = c + 4 * ldc;
            Fma.MultiplyAdd(c04, al, Vector256.Load(d4 + 0)).Store(d4 + 0);
            Fma.MultiplyAdd(c14, al, Vector256.Load(d4 + 4)).Store(d4 + 4);
            double* d5 = c + 5 * ldc;
            Fma.MultiplyAdd(c05, al, Vector256.Load(d5 + 0)).Store(d5 + 0);
            Fma.MultiplyAdd(c15, al, Vector256.Load(d5 + 4)).Store(d5 + 4);
            return;
        }
        double* t = stackalloc double[8 * 6];
        c00.Store(t + 0 * 8 + 0);
        c10.Store(t + 0 * 8 + 4);
        c01.Store(t + 1 * 8 + 0);
        c11.Store(t + 1 * 8 + 4);
        c02.Store(t + 2 * 8 + 0);
        c12.Store(t + 2 * 8 + 4);
        c03.Store(t + 3 * 8 + 0);
        c13.Store(t + 3 * 8 + 4);
        c04.Store(t + 4 * 8 + 0);
        c14.Store(t + 4 * 8 + 4);
        c05.Store(t + 5 * 8 + 0);
        c15.Store(t + 5 * 8 + 4);
        ScatterFused(t, 8, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>AVX2/FMA 12 × 4 kernel (12 ymm accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Avx2x12x4(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
        // Bring the C tile towards L1 while the loop runs (it is read and written only at the end).
        Sse.Prefetch0(c + 0 * ldc + 0);
        Sse.Prefetch0(c + 0 * ldc + 11);
        Sse.Prefetch0(c + 1 * ldc + 0);
        Sse.Prefetch0(c + 1 * ldc + 11);
        Sse.Prefetch0(c + 2 * ldc + 0);
        Sse.Prefetch0(c + 2 * ldc + 11);
        Sse.Prefetch0(c + 3 * ldc + 0);
        Sse.Prefetch0(c + 3 * ldc + 11);
        for (int p = 0; p < kc; p++)
        {
            Vector256<double> a0 = Vector256.Load(pa + 0);
            Vector256<double> a1 = Vector256.Load(pa + 4);
            Vector256<double> a2 = Vector256.Load(pa + 8);
            Vector256<double> b0 = Vector256.Create(pb[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            Vector256<double> b1 = Vector256.Create(pb[1]);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            Vector256<double> b2 = Vector256.Create(pb[2]);
            c02 = Fma.MultiplyAdd(a0, b2, c02);
            c12 = Fma.MultiplyAdd(a1, b2, c12);
            c22 = Fma.MultiplyAdd(a2, b2, c22);
            Vector256<double> b3 = Vector256.Create(pb[3]);
            c03 = Fma.MultiplyAdd(a0, b3, c03);
            c13 = Fma.MultiplyAdd(a1, b3, c13);
            c23 = Fma.MultiplyAdd(a2, b3, c23);
            pa += 12;
            pb += 4;
        }
        if (mr == 12 && nr == 4 && lowMin <= -3)
        {
            Vector256<double> al = Vector256.Create(alpha);
            double* d0 = c + 0 * ldc;
            Fma.MultiplyAdd(c00, al, Vector256.Load(d0 + 0)).Store(d0 + 0);
            Fma.MultiplyAdd(c10, al, Vector256.Load(d0 + 4)).Store(d0 + 4);
            Fma.MultiplyAdd(c20, al, Vector256.Load(d0 + 8)).Store(d0 + 8);
            double* d1 = c + 1 * ldc;
            Fma.MultiplyAdd(c01, al, Vector256.Load(d1 + 0)).Store(d1 + 0);
            Fma.MultiplyAdd(c11, al, Vector256.Load(d1 + 4)).Store(d1 + 4);
            Fma.MultiplyAdd(c21, al, Vector256.Load(d1 + 8)).Store(d1 + 8);
            double* d2 = c + 2 * ldc;
            Fma.MultiplyAdd(c02, al, Vector256.Load(d2 + 0)).Store(d2 + 0);
            Fma.MultiplyAdd(c12, al, Vector256.Load(d2 + 4)).Store(d2 + 4);
            Fma.MultiplyAdd(c22, al, Vector256.Load(d2 + 8)).Store(d2 + 8);
            double* d3 = c + 3 * ldc;
            Fma.MultiplyAdd(c03, al, Vector256.Load(d3 + 0)).Store(d3 + 0);
            Fma.MultiplyAdd(c13, al, Vector256.Load(d3 + 4)).Store(d3 + 4);
            Fma.MultiplyAdd(c23, al, Vector256.Load(d3 + 8)).Store(d3 + 8);
            return;
        }
        double* t = stackalloc double[12 * 4];
        c00.Store(t + 0 * 12 + 0);
        c10.Store(t + 0 * 12 + 4);
        c20.Store(t + 0 * 12 + 8);
        c01.Store(t + 1 * 12 + 0);
        c11.Store(t + 1 * 12 + 4);
        c21.Store(t + 1 * 12 + 8);
        c02.Store(t + 2 * 12 + 0);
        c12.Store(t + 2 * 12 + 4);
        c22.Store(t + 2 * 12 + 8);
        c03.Store(t + 3 * 12 + 0);
        c13.Store(t + 3 * 12 + 4);
        c23.Store(t + 3 * 12 + 8);
        ScatterFused(t, 12, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>Portable System.Numerics.Vector kernel, (2 · Vector&lt;double&gt;.Count) × 4, with fused multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PortableFused(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector<double> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector<double> a0 = Vector.Load(pa + 0);
            Vector<double> a1 = Vector.Load(pa + Vector<double>.Count);
            Vector<double> b0 = new Vector<double>(pb[0]);
            c00 = Vector.FusedMultiplyAdd(a0, b0, c00);
            c10 = Vector.FusedMultiplyAdd(a1, b0, c10);
            Vector<double> b1 = new Vector<double>(pb[1]);
            c01 = Vector.FusedMultiplyAdd(a0, b1, c01);
            c11 = Vector.FusedMultiplyAdd(a1, b1, c11);
            Vector<double> b2 = new Vector<double>(pb[2]);
            c02 = Vector.FusedMultiplyAdd(a0, b2, c02);
            c12 = Vector.FusedMultiplyAdd(a1, b2, c12);
            Vector<double> b3 = new Vector<double>(pb[3]);
            c03 = Vector.FusedMultiplyAdd(a0, b3, c03);
            c13 = Vector.FusedMultiplyAdd(a1, b3, c13);
            pa += 2 * Vector<double>.Count;
            pb += 4;
        }
        if (mr == 2 * Vector<double>.Count && nr == 4 && lowMin <= -3)
        {
            Vector<double> al = new Vector<double>(alpha);
            double* d0 = c + 0 * ldc;
            Vector.FusedMultiplyAdd(c00, al, Vector.Load(d0 + 0)).Store(d0 + 0);
            Vector.FusedMultiplyAdd(c10, al, Vector.Load(d0 + Vector<double>.Count)).Store(d0 + Vector<double>.Count);
            double* d1 = c + 1 * ldc;
            Vector.FusedMultiplyAdd(c01, al, Vector.Load(d1 + 0)).Store(d1 + 0);
            Vector.FusedMultiplyAdd(c11, al, Vector.Load(d1 + Vector<double>.Count)).Store(d1 + Vector<double>.Count);
            double* d2 = c + 2 * ldc;
            Vector.FusedMultiplyAdd(c02, al, Vector.Load(d2 + 0)).Store(d2 + 0);
            Vector.FusedMultiplyAdd(c12, al, Vector.Load(d2 + Vector<double>.Count)).Store(d2 + Vector<double>.Count);
            double* d3 = c + 3 * ldc;
            Vector.FusedMultiplyAdd(c03, al, Vector.Load(d3 + 0)).Store(d3 + 0);
            Vector.FusedMultiplyAdd(c13, al, Vector.Load(d3 + Vector<double>.Count)).Store(d3 + Vector<double>.Count);
            return;
        }
        double* t = stackalloc double[2 * Vector<double>.Count * 4];
        c00.Store(t + 0 * 2 * Vector<double>.Count + 0);
        c10.Store(t + 0 * 2 * Vector<double>.Count + Vector<double>.Count);
        c01.Store(t + 1 * 2 * Vector<double>.Count + 0);
        c11.Store(t + 1 * 2 * Vector<double>.Count + Vector<double>.Count);
        c02.Store(t + 2 * 2 * Vector<double>.Count + 0);
        c12.Store(t + 2 * 2 * Vector<double>.Count + Vector<double>.Count);
        c03.Store(t + 3 * 2 * Vector<double>.Count + 0);
        c13.Store(t + 3 * 2 * Vector<double>.Count + Vector<double>.Count);
        ScatterFused(t, 2 * Vector<double>.Count, c, ldc, alpha, mr, nr, lowMin);
    }

    /// <summary>Portable System.Numerics.Vector kernel, (2 · Vector&lt;double&gt;.Count) × 4, multiply then add (hardware without FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PortablePlain(int kc, double* pa, double* pb, double* c, nint ldc, double alpha, int mr, int nr, int lowMin)
    {
        Vector<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector<double> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector<double> a0 = Vector.Load(pa + 0);
            Vector<double> a1 = Vector.Load(pa + Vector<double>.Count);
            Vector<double> b0 = new Vector<double>(pb[0]);
            c00 = (c00 + a0 * b0);
            c10 = (c10 + a1 * b0);
            Vector<double> b1 = new Vector<double>(pb[1]);
            c01 = (c01 + a0 * b1);
            c11 = (c11 + a1 * b1);
            Vector<double> b2 = new Vector<double>(pb[2]);
            c02 = (c02 + a0 * b2);
            c12 = (c12 + a1 * b2);
            Vector<double> b3 = new Vector<double>(pb[3]);
            c03 = (c03 + a0 * b3);
            c13 = (c13 + a1 * b3);
            pa += 2 * Vector<double>.Count;
            pb += 4;
        }
        if (mr == 2 * Vector<double>.Count && nr == 4 && lowMin <= -3)
        {
            Vector<double> al = new Vector<double>(alpha);
            double* d0 = c + 0 * ldc;
            (Vector.Load(d0 + 0) + c00 * al).Store(d0 + 0);
            (Vector.Load(d0 + Vector<double>.Count) + c10 * al).Store(d0 + Vector<double>.Count);
            double* d1 = c + 1 * ldc;
            (Vector.Load(d1 + 0) + c01 * al).Store(d1 + 0);
            (Vector.Load(d1 + Vector<double>.Count) + c11 * al).Store(d1 + Vector<double>.Count);
            double* d2 = c + 2 * ldc;
            (Vector.Load(d2 + 0) + c02 * al).Store(d2 + 0);
            (Vector.Load(d2 + Vector<double>.Count) + c12 * al).Store(d2 + Vector<double>.Count);
            double* d3 = c + 3 * ldc;
            (Vector.Load(d3 + 0) + c03 * al).Store(d3 + 0);
            (Vector.Load(d3 + Vector<double>.Count) + c13 * al).Store(d3 + Vector<double>.Count);
            return;
        }
        double* t = stackalloc double[2 * Vector<double>.Count * 4];
        c00.Store(t + 0 * 2 * Vector<double>.Count + 0);
        c10.Store(t + 0 * 2 * Vector<double>.Count + Vector<double>.Count);
        c01.Store(t + 1 * 2 * Vector<double>.Count + 0);
        c11.Store(t + 1 * 2 * Vector<double>.Count + Vector<double>.Count);
        c02.Store(t + 2 * 2 * Vector<double>.Count + 0);
        c12.Store(t + 2 * 2 * Vector<double>.Count + Vector<double>.Count);
        c03.Store(t + 3 * 2 * Vector<double>.Count + 0);
        c13.Store(t + 3 * 2 * Vector<double>.Count + Vector<double>.Count);
        ScatterPlain(t, 2 * Vector<double>.Count, c, ldc, alpha, mr, nr, lowMin);
    }

}
