using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Multilevel.Numerics.Internals;

/// <summary>A strided read-only matrix operand: element (i, p) is at <c>P[i * RowStride + p * ColStride]</c>.</summary>
internal readonly unsafe struct Operand(double* p, nint rowStride, nint colStride)
{
    /// <summary>Element (0, 0).</summary>
    public readonly double* P = p;

    /// <summary>Distance between consecutive rows.</summary>
    public readonly nint RowStride = rowStride;

    /// <summary>Distance between consecutive columns.</summary>
    public readonly nint ColStride = colStride;

    /// <summary>Column-major matrix with leading dimension <paramref name="ld"/>.</summary>
    public static Operand ColumnMajor(double* p, int ld) => new(p, 1, ld);

    /// <summary>The transpose of a column-major matrix with leading dimension <paramref name="ld"/>.</summary>
    public static Operand Transposed(double* p, int ld) => new(p, ld, 1);

    /// <summary>Element (i, p).</summary>
    public double this[nint i, nint k] => P[i * RowStride + k * ColStride];
}

/// <summary>
/// Packed, cache-blocked GEMM engine (the BLIS/GotoBLAS scheme): C[i, j] += α Σ_p A[i, p] B[j, p] for
/// i &lt; m, j &lt; n (and only i ≥ j when <c>lower</c>). The k dimension is cut into blocks of at most
/// <see cref="KC"/> by a rule that depends on k alone; within a block each element accumulates in one
/// register in increasing p and is then added to C, blocks in increasing order. The packed panels of A
/// and B are shared by the threads, which claim rectangular units of C dynamically; since an element's
/// arithmetic does not depend on the unit or the thread, the result is the same bits with 1 or more threads.
/// </summary>
[SkipLocalsInit]
internal static unsafe class PackedGemm
{
    /// <summary>Largest k block (B micro-panel of KC × NR stays in L1, A block of MC × KC in L2).</summary>
    public const int KC = 256;

    /// <summary>Rows of a unit of work (rounded to MR).</summary>
    public const int MC = 192;

    /// <summary>Columns of a unit of work (rounded to NR).</summary>
    public const int NC = 384;

    /// <summary>Most doubles packed at once (k blocks are grouped to stay under this).</summary>
    public const int PackCapacity = 1 << 21;

    [ThreadStatic] private static double[]? packArray;

    /// <summary>Number of k blocks for a given k (depends on k only).</summary>
    public static int KBlockCount(int k) => (k + KC - 1) / KC;

    /// <summary>Start of k block <paramref name="b"/> of <paramref name="count"/> (even split of k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int KBlockStart(int k, int count, int b)
    {
        int q = k / count, r = k % count;
        return b * q + Math.Min(b, r);
    }

    /// <summary>C += α A Bᵀ (lower triangle only if <paramref name="lower"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update(KernelContext cx, int m, int n, int k, double alpha, Operand a, Operand b, double* c, nint ldc, bool lower)
    {
        if (m <= 0 || n <= 0 || k <= 0 || alpha == 0) return;
        if ((long)m * n * k <= DirectThreshold)
        {
            if (cx.Set.Fused) Direct<FusedArith>(m, n, k, alpha, a, b, c, ldc, lower);
            else Direct<PlainArith>(m, n, k, alpha, a, b, c, ldc, lower);
            return;
        }
        KernelSet ks = cx.Set;
        int mr = ks.MR, nr = ks.NR;
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        if (lower) nPanels = Math.Min(nPanels, (m + nr - 1) / nr);
        long perK = (long)mPanels * mr + (long)nPanels * nr;
        int kBlocks = KBlockCount(k);
        int maxKc = (k + kBlocks - 1) / kBlocks;
        int groupBlocks = (int)Math.Max(1, Math.Min(kBlocks, PackCapacity / (perK * maxKc)));
        long need = perK * maxKc * groupBlocks + 8;
        double[] buffer = packArray is { } arr && arr.Length >= need ? arr : (packArray = GC.AllocateUninitializedArray<double>((int)Math.Max(need, 4096), pinned: true));
        double* pack = (double*)AlignedBase(buffer);

        long flops = (long)m * n * k;
        if (lower) flops /= 2;
        int team = cx.Parallel(flops) ? cx.Threads : 1;

        var job = new Job(ks, m, n, alpha, a, b, c, ldc, lower, pack, team);
        for (int g0 = 0; g0 < kBlocks; g0 += groupBlocks)
        {
            job.SetGroup(k, kBlocks, g0, Math.Min(kBlocks, g0 + groupBlocks));
            if (team > 1) WorkerTeam.Run(job, team);
            else job.Execute(0);
        }
    }

    /// <summary>Multiply–adds up to which a product is computed directly, without packing.</summary>
    public const int DirectThreshold = 4096;

    /// <summary>
    /// Unpacked product for tiny sizes, with exactly the packed path's arithmetic per element (same k blocks,
    /// one accumulator from zero in increasing p, then C += α·acc per block), so the bits do not depend on
    /// which path a size takes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct<TA>(int m, int n, int k, double alpha, Operand a, Operand b, double* c, nint ldc, bool lower) where TA : struct, IArith
    {
        int kBlocks = KBlockCount(k);
        for (int blk = 0; blk < kBlocks; blk++)
        {
            int p0 = KBlockStart(k, kBlocks, blk), p1 = KBlockStart(k, kBlocks, blk + 1);
            for (int j = 0; j < n; j++)
            {
                double* cj = c + j * ldc;
                double* bj = b.P + j * b.RowStride;
                for (int i = lower ? j : 0; i < m; i++)
                {
                    double* ai = a.P + i * a.RowStride;
                    double acc = 0;
                    for (int p = p0; p < p1; p++) acc = TA.Mad(ai[p * a.ColStride], bj[p * b.ColStride], acc);
                    cj[i] = TA.Mad(acc, alpha, cj[i]);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nint AlignedBase(double[] buffer)
    {
        nint addr = (nint)Unsafe.AsPointer(ref buffer[0]);
        return (addr + 63) & ~(nint)63;
    }

    /// <summary>Packs rows i0 .. i0+rows of A (columns p0 .. p0+kc) into a zero-padded panel of width w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanel(Operand a, int i0, int rows, int w, int p0, int kc, double* dst)
    {
        double* src = a.P + i0 * a.RowStride + p0 * a.ColStride;
        if (a.RowStride == 1 && rows == w)
        {
            nint cs = a.ColStride;
            int w4 = w & ~3;
            for (int p = 0; p < kc; p++, src += cs, dst += w)
            {
                int r = 0;
                for (; r < w4; r += 4) Vector256.Store(Vector256.Load(src + r), dst + r);
                for (; r < w; r++) dst[r] = src[r];
            }
        }
        else if (a.RowStride == 1)
        {
            nint cs = a.ColStride;
            for (int p = 0; p < kc; p++, src += cs, dst += w)
            {
                int r = 0;
                for (; r < rows; r++) dst[r] = src[r];
                for (; r < w; r++) dst[r] = 0;
            }
        }
        else
        {
            nint rs = a.RowStride, cs = a.ColStride;
            for (int r = 0; r < rows; r++)
            {
                double* s = src + r * rs;
                double* d = dst + r;
                for (int p = 0; p < kc; p++) d[p * w] = s[p * cs];
            }
            for (int r = rows; r < w; r++)
            {
                double* d = dst + r;
                for (int p = 0; p < kc; p++) d[p * w] = 0;
            }
        }
    }

    private sealed class Job : KernelJob
    {
        private const int PanelsPerPackTask = 4;
        private readonly KernelSet ks;
        private readonly int m, n, mPanels, nPanels, unitRows, unitCols, rowUnits, colUnits;
        private readonly double alpha;
        private readonly Operand a, b;
        private readonly double* c;
        private readonly nint ldc;
        private readonly bool lower;
        private readonly double* pack;
        private int k, kBlocks, g0, g1;
        private int packTasksA, packTasks, units;
        private int nextPack, packDone, nextUnit;
        private long groupA; // doubles of packed A per unit of kc within the group

        public Job(KernelSet ks, int m, int n, double alpha, Operand a, Operand b, double* c, nint ldc, bool lower, double* pack, int team)
        {
            this.ks = ks;
            this.m = m;
            this.n = n;
            this.alpha = alpha;
            this.a = a;
            this.b = b;
            this.c = c;
            this.ldc = ldc;
            this.lower = lower;
            this.pack = pack;
            int mr = ks.MR, nr = ks.NR;
            mPanels = (m + mr - 1) / mr;
            nPanels = (n + nr - 1) / nr;
            if (lower) nPanels = Math.Min(nPanels, (m + nr - 1) / nr);
            unitRows = Math.Max(1, MC / mr) * mr;
            unitCols = Math.Max(1, NC / nr) * nr;
            // With several threads, cut C finer so that dynamic claiming can balance the load.
            while (team > 1 && CountUnits(unitRows, unitCols) < 6 * team && (unitRows > 2 * mr || unitCols > 2 * nr))
            {
                if (unitCols >= unitRows && unitCols > 2 * nr) unitCols = Math.Max(nr, (unitCols / 2 + nr - 1) / nr * nr);
                else unitRows = Math.Max(mr, (unitRows / 2 + mr - 1) / mr * mr);
            }
            rowUnits = (m + unitRows - 1) / unitRows;
            colUnits = (Math.Min(n, lower ? m : n) + unitCols - 1) / unitCols;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int CountUnits(int ur, int uc)
        {
            int ru = (m + ur - 1) / ur, cu = (Math.Min(n, lower ? m : n) + uc - 1) / uc;
            if (!lower) return ru * cu;
            int count = 0;
            for (int i = 0; i < ru; i++)
                for (int j = 0; j < cu; j++)
                    if (Math.Min(m, (i + 1) * ur) - 1 >= j * uc) count++;
            return count;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void SetGroup(int k, int kBlocks, int g0, int g1)
        {
            this.k = k;
            this.kBlocks = kBlocks;
            this.g0 = g0;
            this.g1 = g1;
            int groups = g1 - g0;
            int aTasks = (mPanels + PanelsPerPackTask - 1) / PanelsPerPackTask;
            int bTasks = (nPanels + PanelsPerPackTask - 1) / PanelsPerPackTask;
            packTasksA = aTasks * groups;
            packTasks = packTasksA + bTasks * groups;
            units = rowUnits * colUnits;
            groupA = (long)mPanels * ks.MR;
            nextPack = 0;
            packDone = 0;
            nextUnit = 0;
        }

        // Packed layout within a group: for each k block, [A panels][B panels], each panel kc × width.
        private double* BlockBase(int blk) =>
            pack + (groupA + (long)nPanels * ks.NR) * (KBlockStart(k, kBlocks, blk) - KBlockStart(k, kBlocks, g0));

        private int Kc(int blk) => KBlockStart(k, kBlocks, blk + 1) - KBlockStart(k, kBlocks, blk);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            int t;
            while ((t = Interlocked.Increment(ref nextPack) - 1) < packTasks)
            {
                Pack(t);
                Interlocked.Increment(ref packDone);
            }
            if (Volatile.Read(ref packDone) < packTasks)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                var spin = new SpinWait();
                while (Volatile.Read(ref packDone) < packTasks) spin.SpinOnce(-1);
                WorkerTeam.NoteCallerWait(worker, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
            }
            int u;
            while ((u = Interlocked.Increment(ref nextUnit) - 1) < units)
            {
                Claimed(worker);
                Unit(u);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Pack(int t)
        {
            int groups = g1 - g0;
            bool isA = t < packTasksA;
            if (!isA) t -= packTasksA;
            int tasksPerBlock = isA ? (packTasksA / groups) : ((packTasks - packTasksA) / groups);
            int blk = g0 + t / tasksPerBlock;
            int first = (t % tasksPerBlock) * PanelsPerPackTask;
            int kc = Kc(blk), p0 = KBlockStart(k, kBlocks, blk);
            double* baseP = BlockBase(blk);
            if (isA)
            {
                int mr = ks.MR;
                int last = Math.Min(mPanels, first + PanelsPerPackTask);
                for (int q = first; q < last; q++)
                    PackPanel(a, q * mr, Math.Min(mr, m - q * mr), mr, p0, kc, baseP + (long)q * mr * kc);
            }
            else
            {
                int nr = ks.NR;
                double* bBase = baseP + groupA * kc;
                int last = Math.Min(nPanels, first + PanelsPerPackTask);
                for (int q = first; q < last; q++)
                    PackPanel(b, q * nr, Math.Min(nr, n - q * nr), nr, p0, kc, bBase + (long)q * nr * kc);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Unit(int u)
        {
            // Claim the bottom row units first: with a lower triangle they hold the most work.
            int ru = rowUnits - 1 - u / colUnits, cu = u % colUnits;
            int i0 = ru * unitRows, i1 = Math.Min(m, i0 + unitRows);
            int j0 = cu * unitCols, j1 = Math.Min(n, j0 + unitCols);
            if (lower)
            {
                if (i1 - 1 < j0) return;
                j1 = Math.Min(j1, i1);
            }
            int mr = ks.MR, nr = ks.NR;
            var kernel = ks.Kernel;
            const int NoLimit = -(1 << 30);
            for (int blk = g0; blk < g1; blk++)
            {
                int kc = Kc(blk);
                double* aBase = BlockBase(blk);
                double* bBase = aBase + groupA * kc;
                for (int j = j0; j < j1; j += nr)
                {
                    int nrr = Math.Min(nr, j1 - j);
                    double* pb = bBase + (long)(j / nr) * nr * kc;
                    int iStart = i0;
                    if (lower) iStart = Math.Max(i0, j / mr * mr);
                    for (int i = iStart; i < i1; i += mr)
                    {
                        int mrr = Math.Min(mr, i1 - i);
                        if (lower && i + mrr - 1 < j) continue;
                        double* pa = aBase + (long)(i / mr) * mr * kc;
                        kernel(kc, pa, pb, c + i + j * ldc, ldc, alpha, mrr, nrr, lower ? j - i : NoLimit);
                    }
                }
            }
        }
    }
}
