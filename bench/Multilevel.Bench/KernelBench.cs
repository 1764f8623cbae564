using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra.Double;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Bench;

/// <summary>
/// Stopwatch harness for the dense kernels: warm-up, then the median of repeated timings (each timing
/// restores the input first, outside the clock). Prints a Markdown table of ms and GFlop/s.
/// Usage: <c>dotnet run -c Release --project bench/Multilevel.Bench -- kernels [quick] [n1,n2,...]</c>.
/// </summary>
internal static class KernelBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(string[] args)
    {
        bool quick = args.Contains("quick");
        int[] sizes = args.FirstOrDefault(a => char.IsDigit(a[0])) is { } list
            ? list.Split(',').Select(int.Parse).ToArray()
            : [100, 500, 1128, 2000, 3000];
        Console.WriteLine($"Vector256 accelerated: {Vector256.IsHardwareAccelerated}, Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Avx512F: {Avx512F.IsSupported}, Fma: {Fma.IsSupported}, processors: {Environment.ProcessorCount}, best kernel: {KernelSet.Best.Name}");
        Console.WriteLine();
        SmallSizes(quick);
        Console.WriteLine();
        Console.WriteLine("| kernel | n | k | variant | ms (median wall) | GFlop/s (median) | GFlop/s (best) | GFlop/s (thread CPU time) |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|");
        foreach (int n in sizes)
        {
            double flops = (double)n * n * n / 3;
            var rng = new Random(n);
            double[] spd = Spd(n, rng);
            double[] work = new double[spd.Length];
            int reps = quick ? 3 : Math.Clamp((int)(2e9 / flops), 5, 50);
            foreach (var (name, opt) in Variants())
            {
                Action reset = () => spd.CopyTo(work, 0), run = () => DenseKernels.CholeskyLower(work, n, n, opt);
                TeamNote();
                var wall = Time(reps, reset, run);
                double cpu = opt.MaxDegreeOfParallelism == 1 ? CpuTime(reps, reset, run) : double.NaN;
                Report("Cholesky", n, 0, name + (opt.MaxDegreeOfParallelism > 1 ? " " + TeamNote() : ""), flops, wall, cpu);
            }
            if (n <= 1128)
                Report("Cholesky", n, 0, "naive reference", flops, Time(quick || n > 500 ? 1 : 3, () => spd.CopyTo(work, 0), () => ReferenceKernels.CholeskyLower(work, n, n)));
            if (n <= 1128)
            {
                var full = DenseMatrix.Create(n, n, (i, j) => i >= j ? spd[j * n + i] : spd[i * n + j]);
                Report("Cholesky", n, 0, "MathNet 5.0 managed", flops, Time(quick || n > 500 ? 1 : 3, () => { }, () => full.Cholesky()));
            }
        }
        foreach (var (n, k) in sizes.Where(s => s >= 500).Select(s => (s, s)).Append((1128, 256)))
        {
            double flops = (double)n * n * k;
            var rng = new Random(n + 1);
            double[] a = new double[n * k];
            for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
            double[] c0 = new double[n * n];
            double[] c = new double[n * n];
            int reps = quick ? 3 : Math.Clamp((int)(2e9 / flops), 5, 30);
            foreach (var (name, opt) in Variants())
            {
                Action reset = () => c0.CopyTo(c, 0), run = () => DenseKernels.SyrkLowerSubtract(n, k, a, n, c, n, opt);
                TeamNote();
                var wall = Time(reps, reset, run);
                double cpu = opt.MaxDegreeOfParallelism == 1 ? CpuTime(reps, reset, run) : double.NaN;
                Report("SYRK C −= A·Aᵀ", n, k, name + (opt.MaxDegreeOfParallelism > 1 ? " " + TeamNote() : ""), flops, wall, cpu);
            }
            if (n <= 1128)
                Report("SYRK C −= A·Aᵀ", n, k, "naive reference", flops, Time(1, () => c0.CopyTo(c, 0), () => ReferenceKernels.SyrkLowerSubtract(n, k, a, n, c, n)));
        }
    }

    /// <summary>Many tiny factorisations (the block-diagonal case): ns per factorisation over a batch of 4096 matrices.</summary>
    private static void SmallSizes(bool quick)
    {
        Console.WriteLine("| small Cholesky | q | ns per block (median) | naive reference ns | CholeskyBlockDiagonal ns per block |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        const int count = 4096;
        foreach (int q in new[] { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32 })
        {
            var rng = new Random(q);
            int size = q * q;
            double[] src = new double[size * count];
            for (int b = 0; b < count; b++)
            {
                double[] m = Spd(q, rng);
                Array.Copy(m, 0, src, b * size, size);
            }
            double[] work = new double[src.Length];
            int reps = quick ? 5 : 21;
            Action reset = () => src.CopyTo(work, 0);
            var ours = Time(reps, reset, () =>
            {
                for (int b = 0; b < count; b++) DenseKernels.CholeskyLower(work.AsSpan(b * size, size), q, q);
            });
            var naive = Time(reps, reset, () =>
            {
                for (int b = 0; b < count; b++) ReferenceKernels.CholeskyLower(work.AsSpan(b * size, size), q, q);
            });
            var block = Time(reps, reset, () => DenseKernels.CholeskyBlockDiagonal(work, q, count));
            Console.WriteLine(string.Create(Inv, $"| CholeskyLower | {q} | {ours.Median * 1e6 / count:F0} | {naive.Median * 1e6 / count:F0} | {block.Median * 1e6 / count:F0} |"));
        }
    }

    private static string TeamNote()
    {
        string note = string.Create(Inv, $"(parallel jobs shared with the helper: {WorkerTeam.SharedJobs}, run alone during back-off: {WorkerTeam.BackedOffJobs})");
        WorkerTeam.SharedJobs = 0;
        WorkerTeam.BackedOffJobs = 0;
        return note;
    }

    private static IEnumerable<(string, KernelOptions)> Variants()
    {
        foreach (KernelIsa isa in new[] { KernelIsa.Avx512, KernelIsa.Avx2 }.Where(KernelSet.IsSupported))
        {
            string name = KernelSet.For(isa).Name;
            yield return ($"{name}, 1 thread", new KernelOptions { Isa = isa, MaxDegreeOfParallelism = 1 });
            yield return ($"{name}, 2 threads", new KernelOptions { Isa = isa, MaxDegreeOfParallelism = 2 });
        }
    }

    private static double[] Spd(int n, Random rng)
    {
        // A = M Mᵀ / n + I via the fast SYRK itself (fine for a benchmark input).
        double[] m = new double[n * n];
        for (int i = 0; i < m.Length; i++) m[i] = (2 * rng.NextDouble() - 1) / Math.Sqrt(n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = 1;
        for (int i = 0; i < m.Length; i++) m[i] = -m[i];
        // C −= (−M)(−M)ᵀ would subtract; use C −= M · (−M)ᵀ = C + M Mᵀ via GEMM.
        double[] mpos = m.Select(x => -x).ToArray();
        DenseKernels.GemmNtSubtract(n, n, n, m, n, mpos, n, a, n);
        return a;
    }

    /// <summary>Wall-clock median (and minimum) of the repeats, in ms.</summary>
    private static (double Median, double Min) Time(int reps, Action reset, Action run)
    {
        for (int w = 0; w < 3; w++)
        {
            reset();
            run(); // warm-up (buffers, helper threads, JIT of anything not already optimised)
        }
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            reset();
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[0]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>CPU time of the calling thread in ms (Linux CLOCK_THREAD_CPUTIME_ID): unaffected by time the thread waits for a core.</summary>
    internal static double ThreadCpuMs()
    {
        if (ClockGetTime(3, out TimeSpec ts) != 0) return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
        return ts.Seconds * 1e3 + ts.Nanoseconds * 1e-6;
    }

    /// <summary>Median of the calling thread's CPU time over the repeats (single-threaded runs only), in ms.</summary>
    private static double CpuTime(int reps, Action reset, Action run)
    {
        reset();
        run();
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            reset();
            double t0 = ThreadCpuMs();
            run();
            times.Add(ThreadCpuMs() - t0);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static void Report(string kernel, int n, int k, string variant, double flops, (double Median, double Min) t, double cpuMs = double.NaN) =>
        Console.WriteLine(string.Create(Inv, $"| {kernel} | {n} | {(k == 0 ? "" : k.ToString(Inv))} | {variant} | {t.Median:F2} | {flops / t.Median / 1e6:F1} | {flops / t.Min / 1e6:F1} | {(double.IsNaN(cpuMs) ? "" : (flops / cpuMs / 1e6).ToString("F1", Inv))} |"));
}
