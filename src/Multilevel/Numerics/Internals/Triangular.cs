using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Multilevel.Numerics.Internals;

/// <summary>
/// Triangular solves, products and inverses with a lower-triangular L (column-major, leading dimension
/// ldl), recursive: each halving turns most of the work into one call of the packed GEMM engine, and
/// blocks of at most <see cref="BaseSize"/> columns are solved by vectorised loops. Right-side solves
/// are independent per row of B and left-side solves per column, so parallel runs split those rows or
/// columns into chunks (each chunk computes exactly what it would compute alone: same bits).
/// </summary>
[SkipLocalsInit]
internal static unsafe class Triangular
{
    /// <summary>Order of the triangular blocks solved without recursion.</summary>
    public const int BaseSize = 32;

    /// <summary>Rows (or right-hand sides) per chunk of a parallel solve.</summary>
    public const int ChunkSize = 96;

    /// <summary>Split point of a recursion on n (depends on n only).</summary>
    public static int Split(int n) => n >= 16 ? ((n / 2 + 4) & ~7) : n / 2;

    // ---------------------------------------------------------------- B := B L⁻ᵀ (right, lower, transposed)

    /// <summary>B (m × n) := B · L⁻ᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RightLowerTranspose(KernelContext cx, int m, int n, double* l, int ldl, double* b, int ldb)
    {
        if (m <= 0 || n <= 0) return;
        RightLowerTransposeRec(cx, m, n, l, ldl, b, ldb);
    }

    // With several threads the GEMMs of the recursion share their packed panels between threads (PackedGemm),
    // and each base block is split into row chunks (no packing there), so nothing is packed twice.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RightLowerTransposeRec(KernelContext cx, int m, int n, double* l, int ldl, double* b, int ldb)
    {
        if (n <= BaseSize)
        {
            bool wide = cx.Set.Isa == KernelIsa.Avx512;
            if (m >= 2 * BaseRowChunk && cx.Parallel((long)m * n * n * 4))
                WorkerTeam.Run(new BaseRowJob(cx.Set.Fused, wide, m, n, l, ldl, b, ldb), cx.Threads);
            else if (cx.Set.Fused) RightLowerTransposeBase<FusedArith>(m, n, l, ldl, b, ldb, wide);
            else RightLowerTransposeBase<PlainArith>(m, n, l, ldl, b, ldb, wide);
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        RightLowerTransposeRec(cx, m, n1, l, ldl, b, ldb);
        // B2 −= X1 · L21ᵀ
        PackedGemm.Update(cx, m, n2, n1, -1.0, Operand.ColumnMajor(b, ldb), Operand.ColumnMajor(l + n1, ldl),
            b + (nint)n1 * ldb, ldb, false);
        RightLowerTransposeRec(cx, m, n2, l + n1 + (nint)n1 * ldl, ldl, b + (nint)n1 * ldb, ldb);
    }

    /// <summary>Rows per chunk when a base block of a right-side solve is shared between threads (a multiple of every vector width).</summary>
    private const int BaseRowChunk = 64;

    /// <summary>A base block of B := B L⁻ᵀ split into chunks of rows.</summary>
    private sealed class BaseRowJob(bool fused, bool wide, int m, int n, double* l, int ldl, double* b, int ldb) : KernelJob
    {
        private int next;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            int chunks = (m + BaseRowChunk - 1) / BaseRowChunk;
            int t;
            while ((t = Interlocked.Increment(ref next) - 1) < chunks)
            {
                Claimed(worker);
                int i0 = t * BaseRowChunk, rows = Math.Min(BaseRowChunk, m - i0);
                if (fused) RightLowerTransposeBase<FusedArith>(rows, n, l, ldl, b + i0, ldb, wide);
                else RightLowerTransposeBase<PlainArith>(rows, n, l, ldl, b + i0, ldb, wide);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RightLowerTransposeBase<TA>(int m, int n, double* l, int ldl, double* b, int ldb, bool wide) where TA : struct, IArith
    {
        double* rinv = stackalloc double[BaseSize];
        for (int j = 0; j < n; j++) rinv[j] = 1.0 / l[j + (nint)j * ldl];
        int vc = Vector<double>.Count;
        int i = wide && typeof(TA) == typeof(FusedArith) && Avx512F.IsSupported ? RightLowerTransposeBase512(m, n, l, ldl, b, ldb, rinv) : 0;
        // 4 vectors of rows × 2 columns at a time: 8 independent accumulation chains hide the FMA latency.
        // Every element still sums its terms in increasing p, exactly as the scalar tail below.
        for (; i + 4 * vc <= m; i += 4 * vc)
        {
            double* bi = b + i;
            int j = 0;
            for (; j + 2 <= n; j += 2)
            {
                double* bj = bi + (nint)j * ldb;
                double* bk = bj + ldb;
                Vector<double> s0 = Vector.Load(bj), s1 = Vector.Load(bj + vc), s2 = Vector.Load(bj + 2 * vc), s3 = Vector.Load(bj + 3 * vc);
                Vector<double> t0 = Vector.Load(bk), t1 = Vector.Load(bk + vc), t2 = Vector.Load(bk + 2 * vc), t3 = Vector.Load(bk + 3 * vc);
                double* lj = l + j;
                for (int p = 0; p < j; p++)
                {
                    var f = new Vector<double>(-lj[(nint)p * ldl]);
                    var g = new Vector<double>(-lj[(nint)p * ldl + 1]);
                    double* bp = bi + (nint)p * ldb;
                    Vector<double> x0 = Vector.Load(bp), x1 = Vector.Load(bp + vc), x2 = Vector.Load(bp + 2 * vc), x3 = Vector.Load(bp + 3 * vc);
                    s0 = TA.Mad(x0, f, s0);
                    s1 = TA.Mad(x1, f, s1);
                    s2 = TA.Mad(x2, f, s2);
                    s3 = TA.Mad(x3, f, s3);
                    t0 = TA.Mad(x0, g, t0);
                    t1 = TA.Mad(x1, g, t1);
                    t2 = TA.Mad(x2, g, t2);
                    t3 = TA.Mad(x3, g, t3);
                }
                var r = new Vector<double>(rinv[j]);
                s0 *= r;
                s1 *= r;
                s2 *= r;
                s3 *= r;
                s0.Store(bj);
                s1.Store(bj + vc);
                s2.Store(bj + 2 * vc);
                s3.Store(bj + 3 * vc);
                var h = new Vector<double>(-lj[(nint)j * ldl + 1]);
                var r2 = new Vector<double>(rinv[j + 1]);
                (TA.Mad(s0, h, t0) * r2).Store(bk);
                (TA.Mad(s1, h, t1) * r2).Store(bk + vc);
                (TA.Mad(s2, h, t2) * r2).Store(bk + 2 * vc);
                (TA.Mad(s3, h, t3) * r2).Store(bk + 3 * vc);
            }
            for (; j < n; j++)
            {
                double* bj = bi + (nint)j * ldb;
                Vector<double> s0 = Vector.Load(bj), s1 = Vector.Load(bj + vc), s2 = Vector.Load(bj + 2 * vc), s3 = Vector.Load(bj + 3 * vc);
                for (int p = 0; p < j; p++)
                {
                    var f = new Vector<double>(-l[j + (nint)p * ldl]);
                    double* bp = bi + (nint)p * ldb;
                    s0 = TA.Mad(Vector.Load(bp), f, s0);
                    s1 = TA.Mad(Vector.Load(bp + vc), f, s1);
                    s2 = TA.Mad(Vector.Load(bp + 2 * vc), f, s2);
                    s3 = TA.Mad(Vector.Load(bp + 3 * vc), f, s3);
                }
                var r = new Vector<double>(rinv[j]);
                (s0 * r).Store(bj);
                (s1 * r).Store(bj + vc);
                (s2 * r).Store(bj + 2 * vc);
                (s3 * r).Store(bj + 3 * vc);
            }
        }
        for (; i + vc <= m; i += vc)
        {
            double* bi = b + i;
            for (int j = 0; j < n; j++)
            {
                double* bj = bi + (nint)j * ldb;
                Vector<double> s0 = Vector.Load(bj);
                for (int p = 0; p < j; p++) s0 = TA.Mad(Vector.Load(bi + (nint)p * ldb), new Vector<double>(-l[j + (nint)p * ldl]), s0);
                (s0 * new Vector<double>(rinv[j])).Store(bj);
            }
        }
        for (; i < m; i++)
        {
            double* bi = b + i;
            for (int j = 0; j < n; j++)
            {
                double s = bi[(nint)j * ldb];
                for (int p = 0; p < j; p++) s = TA.Mad(bi[(nint)p * ldb], -l[j + (nint)p * ldl], s);
                bi[(nint)j * ldb] = s * rinv[j];
            }
        }
    }

    /// <summary>
    /// AVX-512 part of the base solve: rows in chunks of 32 (4 zmm) × 2 columns, the same fused operations in
    /// the same order as the Vector&lt;double&gt; code. Returns the number of rows done (a multiple of 32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RightLowerTransposeBase512(int m, int n, double* l, int ldl, double* b, int ldb, double* rinv)
    {
        int i = 0;
        for (; i + 32 <= m; i += 32)
        {
            double* bi = b + i;
            int j = 0;
            for (; j + 2 <= n; j += 2)
            {
                double* bj = bi + (nint)j * ldb;
                double* bk = bj + ldb;
                Vector512<double> s0 = Vector512.Load(bj), s1 = Vector512.Load(bj + 8), s2 = Vector512.Load(bj + 16), s3 = Vector512.Load(bj + 24);
                Vector512<double> t0 = Vector512.Load(bk), t1 = Vector512.Load(bk + 8), t2 = Vector512.Load(bk + 16), t3 = Vector512.Load(bk + 24);
                double* lj = l + j;
                for (int p = 0; p < j; p++)
                {
                    var f = Vector512.Create(-lj[(nint)p * ldl]);
                    var g = Vector512.Create(-lj[(nint)p * ldl + 1]);
                    double* bp = bi + (nint)p * ldb;
                    Vector512<double> x0 = Vector512.Load(bp), x1 = Vector512.Load(bp + 8), x2 = Vector512.Load(bp + 16), x3 = Vector512.Load(bp + 24);
                    s0 = Avx512F.FusedMultiplyAdd(x0, f, s0);
                    s1 = Avx512F.FusedMultiplyAdd(x1, f, s1);
                    s2 = Avx512F.FusedMultiplyAdd(x2, f, s2);
                    s3 = Avx512F.FusedMultiplyAdd(x3, f, s3);
                    t0 = Avx512F.FusedMultiplyAdd(x0, g, t0);
                    t1 = Avx512F.FusedMultiplyAdd(x1, g, t1);
                    t2 = Avx512F.FusedMultiplyAdd(x2, g, t2);
                    t3 = Avx512F.FusedMultiplyAdd(x3, g, t3);
                }
                var r = Vector512.Create(rinv[j]);
                s0 *= r;
                s1 *= r;
                s2 *= r;
                s3 *= r;
                s0.Store(bj);
                s1.Store(bj + 8);
                s2.Store(bj + 16);
                s3.Store(bj + 24);
                var h = Vector512.Create(-lj[(nint)j * ldl + 1]);
                var r2 = Vector512.Create(rinv[j + 1]);
                (Avx512F.FusedMultiplyAdd(s0, h, t0) * r2).Store(bk);
                (Avx512F.FusedMultiplyAdd(s1, h, t1) * r2).Store(bk + 8);
                (Avx512F.FusedMultiplyAdd(s2, h, t2) * r2).Store(bk + 16);
                (Avx512F.FusedMultiplyAdd(s3, h, t3) * r2).Store(bk + 24);
            }
            for (; j < n; j++)
            {
                double* bj = bi + (nint)j * ldb;
                Vector512<double> s0 = Vector512.Load(bj), s1 = Vector512.Load(bj + 8), s2 = Vector512.Load(bj + 16), s3 = Vector512.Load(bj + 24);
                for (int p = 0; p < j; p++)
                {
                    var f = Vector512.Create(-l[j + (nint)p * ldl]);
                    double* bp = bi + (nint)p * ldb;
                    s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(bp), f, s0);
                    s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(bp + 8), f, s1);
                    s2 = Avx512F.FusedMultiplyAdd(Vector512.Load(bp + 16), f, s2);
                    s3 = Avx512F.FusedMultiplyAdd(Vector512.Load(bp + 24), f, s3);
                }
                var r = Vector512.Create(rinv[j]);
                (s0 * r).Store(bj);
                (s1 * r).Store(bj + 8);
                (s2 * r).Store(bj + 16);
                (s3 * r).Store(bj + 24);
            }
        }
        return i;
    }

    // ---------------------------------------------------------------- B := B L⁻¹ (right, lower)

    /// <summary>B (m × n) := B · L⁻¹.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RightLower(KernelContext cx, int m, int n, double* l, int ldl, double* b, int ldb)
    {
        if (m <= 0 || n <= 0) return;
        if (m >= 2 * ChunkSize && cx.Parallel((long)m * n * n / 2))
        {
            WorkerTeam.Run(new RowChunkJob(cx.Single, m, n, l, ldl, b, ldb), cx.Threads);
            return;
        }
        RightLowerRec(cx, m, n, l, ldl, b, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RightLowerRec(KernelContext cx, int m, int n, double* l, int ldl, double* b, int ldb)
    {
        if (n <= BaseSize)
        {
            if (cx.Set.Fused) RightLowerBase<FusedArith>(m, n, l, ldl, b, ldb);
            else RightLowerBase<PlainArith>(m, n, l, ldl, b, ldb);
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        double* b2 = b + (nint)n1 * ldb;
        RightLowerRec(cx, m, n2, l + n1 + (nint)n1 * ldl, ldl, b2, ldb);
        // B1 −= X2 · L21, with L21 (n2 × n1) at l + n1: operand (j, p) = L21[p, j].
        PackedGemm.Update(cx, m, n1, n2, -1.0, Operand.ColumnMajor(b2, ldb), Operand.Transposed(l + n1, ldl),
            b, ldb, false);
        RightLowerRec(cx, m, n1, l, ldl, b, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RightLowerBase<TA>(int m, int n, double* l, int ldl, double* b, int ldb) where TA : struct, IArith
    {
        double* rinv = stackalloc double[BaseSize];
        for (int j = 0; j < n; j++) rinv[j] = 1.0 / l[j + (nint)j * ldl];
        int vc = Vector<double>.Count;
        int i = 0;
        for (; i + 2 * vc <= m; i += 2 * vc)
        {
            double* bi = b + i;
            for (int j = n - 1; j >= 0; j--)
            {
                double* bj = bi + (nint)j * ldb;
                Vector<double> s0 = Vector.Load(bj), s1 = Vector.Load(bj + vc);
                for (int p = j + 1; p < n; p++)
                {
                    var f = new Vector<double>(-l[p + (nint)j * ldl]);
                    double* bp = bi + (nint)p * ldb;
                    s0 = TA.Mad(Vector.Load(bp), f, s0);
                    s1 = TA.Mad(Vector.Load(bp + vc), f, s1);
                }
                var r = new Vector<double>(rinv[j]);
                (s0 * r).Store(bj);
                (s1 * r).Store(bj + vc);
            }
        }
        for (; i < m; i++)
        {
            double* bi = b + i;
            for (int j = n - 1; j >= 0; j--)
            {
                double s = bi[(nint)j * ldb];
                for (int p = j + 1; p < n; p++) s = TA.Mad(bi[(nint)p * ldb], -l[p + (nint)j * ldl], s);
                bi[(nint)j * ldb] = s * rinv[j];
            }
        }
    }

    // ---------------------------------------------------------------- B := L⁻¹ B (left, lower)

    /// <summary>B (n × nrhs) := L⁻¹ B (solves L X = B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeftLower(KernelContext cx, int n, int nrhs, double* l, int ldl, double* b, int ldb)
    {
        if (n <= 0 || nrhs <= 0) return;
        if (nrhs >= 2 * ChunkSize && cx.Parallel((long)nrhs * n * n / 2))
        {
            WorkerTeam.Run(new ColumnChunkJob(cx.Single, n, nrhs, l, ldl, b, ldb, Op.LeftLower), cx.Threads);
            return;
        }
        LeftLowerRec(cx, n, nrhs, l, ldl, b, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeftLowerRec(KernelContext cx, int n, int nrhs, double* l, int ldl, double* b, int ldb)
    {
        if (n <= BaseSize)
        {
            if (cx.Set.Fused) LeftLowerBase<FusedArith>(n, nrhs, l, ldl, b, ldb);
            else LeftLowerBase<PlainArith>(n, nrhs, l, ldl, b, ldb);
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        LeftLowerRec(cx, n1, nrhs, l, ldl, b, ldb);
        // B2 −= L21 · X1: operand A = L21 (n2 × n1), operand B (j, p) = X1[p, j].
        PackedGemm.Update(cx, n2, nrhs, n1, -1.0, Operand.ColumnMajor(l + n1, ldl), Operand.Transposed(b, ldb),
            b + n1, ldb, false);
        LeftLowerRec(cx, n2, nrhs, l + n1 + (nint)n1 * ldl, ldl, b + n1, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeftLowerBase<TA>(int n, int nrhs, double* l, int ldl, double* b, int ldb) where TA : struct, IArith
    {
        double* rinv = stackalloc double[BaseSize];
        for (int j = 0; j < n; j++) rinv[j] = 1.0 / l[j + (nint)j * ldl];
        int vc = Vector<double>.Count;
        for (int c = 0; c < nrhs; c++)
        {
            double* x = b + (nint)c * ldb;
            for (int j = 0; j < n; j++)
            {
                double xj = x[j] * rinv[j];
                x[j] = xj;
                double* lj = l + (nint)j * ldl;
                int i = j + 1;
                var f = new Vector<double>(-xj);
                for (; i + vc <= n; i += vc) TA.Mad(Vector.Load(lj + i), f, Vector.Load(x + i)).Store(x + i);
                for (; i < n; i++) x[i] = TA.Mad(lj[i], -xj, x[i]);
            }
        }
    }

    // ---------------------------------------------------------------- B := L⁻ᵀ B (left, lower, transposed)

    /// <summary>B (n × nrhs) := L⁻ᵀ B (solves Lᵀ X = B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeftLowerTranspose(KernelContext cx, int n, int nrhs, double* l, int ldl, double* b, int ldb)
    {
        if (n <= 0 || nrhs <= 0) return;
        if (nrhs >= 2 * ChunkSize && cx.Parallel((long)nrhs * n * n / 2))
        {
            WorkerTeam.Run(new ColumnChunkJob(cx.Single, n, nrhs, l, ldl, b, ldb, Op.LeftLowerTranspose), cx.Threads);
            return;
        }
        LeftLowerTransposeRec(cx, n, nrhs, l, ldl, b, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeftLowerTransposeRec(KernelContext cx, int n, int nrhs, double* l, int ldl, double* b, int ldb)
    {
        if (n <= BaseSize)
        {
            if (cx.Set.Fused) LeftLowerTransposeBase<FusedArith>(n, nrhs, l, ldl, b, ldb);
            else LeftLowerTransposeBase<PlainArith>(n, nrhs, l, ldl, b, ldb);
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        LeftLowerTransposeRec(cx, n2, nrhs, l + n1 + (nint)n1 * ldl, ldl, b + n1, ldb);
        // B1 −= L21ᵀ · X2: operand A (i, p) = L21[p, i], operand B (j, p) = X2[p, j].
        PackedGemm.Update(cx, n1, nrhs, n2, -1.0, Operand.Transposed(l + n1, ldl), Operand.Transposed(b + n1, ldb),
            b, ldb, false);
        LeftLowerTransposeRec(cx, n1, nrhs, l, ldl, b, ldb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeftLowerTransposeBase<TA>(int n, int nrhs, double* l, int ldl, double* b, int ldb) where TA : struct, IArith
    {
        double* rinv = stackalloc double[BaseSize];
        for (int j = 0; j < n; j++) rinv[j] = 1.0 / l[j + (nint)j * ldl];
        for (int c = 0; c < nrhs; c++)
        {
            double* x = b + (nint)c * ldb;
            for (int j = n - 1; j >= 0; j--)
            {
                double* lj = l + (nint)j * ldl;
                double s = x[j];
                for (int i = j + 1; i < n; i++) s = TA.Mad(lj[i], -x[i], s);
                x[j] = s * rinv[j];
            }
        }
    }

    // ---------------------------------------------------------------- B := Tᵀ B (left, lower, transposed product)

    /// <summary>B (n × m) := Tᵀ B with T lower triangular (n × n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyLeftLowerTranspose(KernelContext cx, int n, int m, double* t, int ldt, double* b, int ldb)
    {
        if (n <= 0 || m <= 0) return;
        if (n <= BaseSize)
        {
            for (int c = 0; c < m; c++)
            {
                double* x = b + (nint)c * ldb;
                for (int i = 0; i < n; i++)
                {
                    double* ti = t + (nint)i * ldt;
                    double s = 0;
                    for (int p = i; p < n; p++) s += ti[p] * x[p];
                    x[i] = s;
                }
            }
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        MultiplyLeftLowerTranspose(cx, n1, m, t, ldt, b, ldb);
        // B1 += T21ᵀ · B2: operand A (i, p) = T21[p, i], operand B (j, p) = B2[p, j].
        PackedGemm.Update(cx, n1, m, n2, 1.0, Operand.Transposed(t + n1, ldt), Operand.Transposed(b + n1, ldb), b, ldb, false);
        MultiplyLeftLowerTranspose(cx, n2, m, t + n1 + (nint)n1 * ldt, ldt, b + n1, ldb);
    }

    // ---------------------------------------------------------------- inverses

    /// <summary>L := L⁻¹ in place (lower triangular).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InvertLower(KernelContext cx, int n, double* l, int ldl)
    {
        if (n <= 0) return;
        if (n <= BaseSize)
        {
            InvertLowerBase(n, l, ldl);
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        double* l21 = l + n1;
        double* l22 = l + n1 + (nint)n1 * ldl;
        RightLower(cx, n2, n1, l, ldl, l21, ldl);      // L21 L11⁻¹
        LeftLower(cx, n2, n1, l22, ldl, l21, ldl);     // L22⁻¹ L21 L11⁻¹
        for (int j = 0; j < n1; j++)
        {
            double* col = l21 + (nint)j * ldl;
            for (int i = 0; i < n2; i++) col[i] = -col[i];
        }
        InvertLower(cx, n1, l, ldl);
        InvertLower(cx, n2, l22, ldl);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InvertLowerBase(int n, double* l, int ldl)
    {
        // Columns from the last: column j of L⁻¹ is −(L⁻¹)[j+1:, j+1:] · L[j+1:, j] / L[j, j].
        for (int j = n - 1; j >= 0; j--)
        {
            double* lj = l + (nint)j * ldl;
            double inv = 1.0 / lj[j];
            lj[j] = inv;
            for (int i = n - 1; i > j; i--)
            {
                double s = 0;
                for (int p = j + 1; p <= i; p++) s += l[i + (nint)p * ldl] * lj[p];
                lj[i] = -s * inv;
            }
        }
    }

    /// <summary>Lower triangle of Tᵀ T in place, for T lower triangular (LAPACK's LAUUM).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LowerTransposeTimesLower(KernelContext cx, int n, double* t, int ldt)
    {
        if (n <= 0) return;
        if (n <= BaseSize)
        {
            for (int j = 0; j < n; j++)
            {
                double* tj = t + (nint)j * ldt;
                for (int i = j; i < n; i++)
                {
                    double* ti = t + (nint)i * ldt;
                    double s = 0;
                    for (int p = i; p < n; p++) s += ti[p] * tj[p];
                    tj[i] = s;
                }
            }
            return;
        }
        int n1 = Split(n), n2 = n - n1;
        double* t21 = t + n1;
        double* t22 = t + n1 + (nint)n1 * ldt;
        LowerTransposeTimesLower(cx, n1, t, ldt);
        PackedGemm.Update(cx, n1, n1, n2, 1.0, Operand.Transposed(t21, ldt), Operand.Transposed(t21, ldt), t, ldt, true);
        MultiplyLeftLowerTranspose(cx, n2, n1, t22, ldt, t21, ldt);
        LowerTransposeTimesLower(cx, n2, t22, ldt);
    }

    // ---------------------------------------------------------------- parallel chunking

    private enum Op
    {
        LeftLower,
        LeftLowerTranspose,
    }

    /// <summary>Right-side solve split into chunks of rows; each chunk is solved on one thread.</summary>
    private sealed class RowChunkJob(KernelContext cx, int m, int n, double* l, int ldl, double* b, int ldb) : KernelJob
    {
        private int next;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            int chunks = (m + ChunkSize - 1) / ChunkSize;
            int t;
            while ((t = Interlocked.Increment(ref next) - 1) < chunks)
            {
                Claimed(worker);
                int i0 = t * ChunkSize, rows = Math.Min(ChunkSize, m - i0);
                RightLowerRec(cx, rows, n, l, ldl, b + i0, ldb);
            }
        }
    }

    /// <summary>Left-side solve split into chunks of right-hand sides; each chunk is solved on one thread.</summary>
    private sealed class ColumnChunkJob(KernelContext cx, int n, int nrhs, double* l, int ldl, double* b, int ldb, Op op) : KernelJob
    {
        private int next;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            int chunks = (nrhs + ChunkSize - 1) / ChunkSize;
            int t;
            while ((t = Interlocked.Increment(ref next) - 1) < chunks)
            {
                Claimed(worker);
                int c0 = t * ChunkSize, cols = Math.Min(ChunkSize, nrhs - c0);
                if (op == Op.LeftLower) LeftLowerRec(cx, n, cols, l, ldl, b + (nint)c0 * ldb, ldb);
                else LeftLowerTransposeRec(cx, n, cols, l, ldl, b + (nint)c0 * ldb, ldb);
            }
        }
    }
}
