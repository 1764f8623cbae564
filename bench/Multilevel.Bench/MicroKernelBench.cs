using System.Diagnostics;
using System.Globalization;
using Multilevel.Numerics.Internals;

namespace Multilevel.Bench;

/// <summary>Peak of each micro-kernel on packed panels that stay in cache (kc = 256), in GFlop/s of thread CPU time.</summary>
internal static unsafe class MicroKernelBench
{
    public static void Run()
    {
        foreach (KernelSet ks in new[] { KernelSet.Avx512, KernelSet.Avx512Wide, KernelSet.Avx2, KernelSet.Avx2Tall, KernelSet.Portable })
        {
            if (!KernelSet.IsSupported(ks.Isa)) continue;
            const int kc = 256;
            int panels = 8; // A block of 8 panels, one B panel: the inner loop of a unit
            double[] a = GC.AllocateArray<double>(panels * ks.MR * kc + 8, pinned: true);
            double[] b = GC.AllocateArray<double>(ks.NR * kc + 8, pinned: true);
            double[] c = GC.AllocateArray<double>(panels * ks.MR * ks.NR, pinned: true);
            var rng = new Random(1);
            for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble();
            var kernel = ks.Kernel;
            double best = 0;
            fixed (double* pa = a, pb = b, pc = c)
            {
                for (int rep = 0; rep < 7; rep++)
                {
                    int iters = 2000;
                    double t0 = KernelBench.ThreadCpuMs();
                    long w0 = Stopwatch.GetTimestamp();
                    for (int it = 0; it < iters; it++)
                        for (int q = 0; q < panels; q++)
                            kernel(kc, pa + q * ks.MR * kc, pb, pc + q * ks.MR, panels * ks.MR, -1.0, ks.MR, ks.NR, -(1 << 30));
                    double ms = KernelBench.ThreadCpuMs() - t0;
                    double flops = 2.0 * iters * panels * ks.MR * ks.NR * kc;
                    best = Math.Max(best, flops / ms / 1e6);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ks.Name}: {best:F1} GFlop/s (best of 7, thread CPU time)"));
        }
        var cx = new KernelContext(KernelSet.Best, 1, 0);
        foreach (var (m, nt) in new[] { (564, 32), (564, 64), (564, 564), (1128, 1128) })
        {
            double[] l = new double[nt * nt], b = new double[m * nt], b0 = new double[m * nt];
            var rng = new Random(3);
            for (int j = 0; j < nt; j++) { l[j * nt + j] = 2; for (int i = j + 1; i < nt; i++) l[j * nt + i] = (rng.NextDouble() - 0.5) / nt; }
            for (int i = 0; i < b0.Length; i++) b0[i] = rng.NextDouble();
            double best = 0;
            fixed (double* pl = l, pb = b)
            {
                for (int rep = 0; rep < 7; rep++)
                {
                    b0.CopyTo(b, 0);
                    double t0 = KernelBench.ThreadCpuMs();
                    Triangular.RightLowerTranspose(cx, m, nt, pl, nt, pb, m);
                    double ms = KernelBench.ThreadCpuMs() - t0;
                    best = Math.Max(best, (double)m * nt * nt / ms / 1e6);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trsm right-lower-transpose m={m} n={nt}: {best:F1} GFlop/s CPU"));
        }
        foreach (int n in new[] { 16, 24, 32, 48, 64 })
        {
            int count = Math.Max(1, 2_000_000 / (n * n * n));
            double[] a0 = new double[n * n];
            var rng = new Random(4);
            for (int j = 0; j < n; j++) { a0[j * n + j] = n; for (int i = j + 1; i < n; i++) a0[j * n + i] = rng.NextDouble() - 0.5; }
            double[] a = new double[n * n];
            double best = 0;
            fixed (double* pa = a)
            {
                for (int rep = 0; rep < 7; rep++)
                {
                    double t0 = KernelBench.ThreadCpuMs();
                    for (int c = 0; c < count; c++) { a0.CopyTo(a, 0); CholeskyKernels.Unblocked<FusedArith>(pa, n, n); }
                    double ms = KernelBench.ThreadCpuMs() - t0;
                    best = Math.Max(best, count * (double)n * n * n / 3 / ms / 1e6);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unblocked cholesky n={n}: {best:F1} GFlop/s CPU (incl. copy)"));
        }
        foreach (int n in new[] { 64, 128, 256, 512, 1024 })
        {
            double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
            var rng = new Random(2);
            for (int i = 0; i < a.Length; i++) { a[i] = rng.NextDouble(); b[i] = rng.NextDouble(); }
            foreach (bool lower in new[] { false, true })
            {
                double best = 0, bestWall = 0;
                fixed (double* pa = a, pb = b, pc = c)
                {
                    int iters = Math.Max(1, (int)(2e8 / (2.0 * n * n * n)));
                    for (int rep = 0; rep < 7; rep++)
                    {
                        double t0 = KernelBench.ThreadCpuMs();
                        long w0 = Stopwatch.GetTimestamp();
                        for (int it = 0; it < iters; it++)
                            PackedGemm.Update(cx, n, n, n, -1.0, Operand.ColumnMajor(pa, n), Operand.ColumnMajor(pb, n), pc, n, lower);
                        double ms = KernelBench.ThreadCpuMs() - t0;
                        double wall = Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
                        double flops = 2.0 * iters * n * n * n / (lower ? 2 : 1);
                        best = Math.Max(best, flops / ms / 1e6);
                        bestWall = Math.Max(bestWall, flops / wall / 1e6);
                    }
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm engine n=m=k={n} lower={lower}: {best:F1} GFlop/s CPU, {bestWall:F1} wall"));
            }
        }
    }
}
