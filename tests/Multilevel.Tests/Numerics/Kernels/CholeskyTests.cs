using Xunit;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;
using static Multilevel.Tests.Numerics.Kernels.KernelTestData;

namespace Multilevel.Tests.Numerics.Kernels;

public class CholeskyTests
{
    public CholeskyTests() => WorkerTeam.BackOffEnabled = false;

    public static TheoryData<int> Isa => IsaData();

    public static IEnumerable<int> Sizes => Enumerable.Range(0, 131).Concat([160, 200, 257, 300]);

    /// <summary>
    /// Every order 0–130 (and some larger), odd leading dimension, non-zero offset, on every instruction-set
    /// path: L agrees with the naive left-looking factor to 4(n+2)ε·max|L| (A is well conditioned, κ &lt; 3, so
    /// two backward-stable factorisations agree to a few n·ε); the upper triangle and padding are untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void MatchesReferenceAtEveryOrder(int isa)
    {
        var rng = new Random(11);
        foreach (int n in Sizes)
        {
            int ld = n + 1 + 2 * (n % 3), offset = 3 + n % 5;
            double[,] a = Spd(n, rng);
            double[] buf = LowerBuffer(a, ld, offset);
            double[] before = (double[])buf.Clone();
            double[] reference = (double[])buf.Clone();
            Assert.Equal(-1, ReferenceKernels.CholeskyLower(reference.AsSpan(offset), n, ld));
            Assert.Equal(-1, DenseKernels.CholeskyLower(buf.AsSpan(offset), n, ld, Options((KernelIsa)isa)));
            double max = 0;
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++) max = Math.Max(max, Math.Abs(reference[offset + j * ld + i]));
            double tol = 4 * (n + 2) * Eps * max;
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                {
                    double got = buf[offset + j * ld + i], want = reference[offset + j * ld + i];
                    if (!(Math.Abs(got - want) <= tol)) Assert.Fail($"n={n} L[{i},{j}] = {got}, reference {want}, tolerance {tol:g3}");
                }
            AssertUntouched(before, buf, t => Index(t, n, n, ld, offset) is var (i, j) && i >= 0 && i >= j, $"Cholesky n={n}");
        }
    }

    /// <summary>A pivot made exactly −1 at column j is reported as column j, at small and large orders, with 1 and 2 threads.</summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(5, 4)]
    [InlineData(17, 9)]
    [InlineData(40, 33)]
    [InlineData(130, 0)]
    [InlineData(130, 64)]
    [InlineData(300, 299)]
    [InlineData(600, 301)]
    public void ReportsTheFirstNonPositivePivot(int n, int bad)
    {
        var rng = new Random(n * 31 + bad);
        // A = L Lᵀ with a known L, then A[bad, bad] lowered so that the pivot there is −1 (all earlier pivots are fine).
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            l[j, j] = 1 + rng.NextDouble();
            for (int i = j + 1; i < n; i++) l[i, j] = (2 * rng.NextDouble() - 1) / Math.Sqrt(n);
        }
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int p = 0; p <= j; p++) s += l[i, p] * l[j, p];
                a[i, j] = a[j, i] = s;
            }
        a[bad, bad] -= l[bad, bad] * l[bad, bad] + 1;
        foreach (KernelIsa isa in Isas())
            foreach (int threads in new[] { 1, 2 })
            {
                double[] buf = LowerBuffer(a, n + 3, 2);
                Assert.Equal(bad, DenseKernels.CholeskyLower(buf.AsSpan(2), n, n + 3, Options(isa, threads, 1)));
            }
        double[] refBuf = LowerBuffer(a, n + 3, 2);
        Assert.Equal(bad, ReferenceKernels.CholeskyLower(refBuf.AsSpan(2), n, n + 3));
    }

    [Fact]
    public void ReportsNaNAndZeroPivots()
    {
        var rng = new Random(3);
        double[,] a = Spd(50, rng);
        a[20, 20] = double.NaN;
        Assert.Equal(20, DenseKernels.CholeskyLower(LowerBuffer(a, 50, 0), 50, 50));
        double[,] z = Spd(3, rng);
        z[0, 0] = 0;
        Assert.Equal(0, DenseKernels.CholeskyLower(LowerBuffer(z, 3, 0), 3, 3));
    }

    /// <summary>
    /// The same input gives the same bits twice, and with 1 and 2 threads (also when every product is forced
    /// parallel); the forced run is repeated until a helper thread has really taken part in the work (required from n = 300).
    /// </summary>
    [Theory]
    [InlineData(97)]
    [InlineData(300)]
    [InlineData(700)]
    [InlineData(1128)]
    public void IsDeterministicAcrossRunsAndThreadCounts(int n)
    {
        var rng = new Random(n);
        double[,] a = Spd(n, rng);
        double[] one = LowerBuffer(a, n, 0), again = LowerBuffer(a, n, 0), two = LowerBuffer(a, n, 0);
        Assert.Equal(-1, DenseKernels.CholeskyLower(one, n, n, KernelOptions.SingleThreaded));
        Assert.Equal(-1, DenseKernels.CholeskyLower(again, n, n, KernelOptions.SingleThreaded));
        Assert.Equal(-1, DenseKernels.CholeskyLower(two, n, n, new KernelOptions { MaxDegreeOfParallelism = 2 }));
        Assert.True(SameBits(one, again), "two single-threaded runs differ");
        Assert.True(SameBits(one, two), "1 and 2 threads differ");
        bool cooperated = false;
        for (int attempt = 0; attempt < 200 && !cooperated; attempt++)
        {
            long before = Interlocked.Read(ref WorkerTeam.HelperParticipations);
            double[] forced = LowerBuffer(a, n, 0);
            Assert.Equal(-1, DenseKernels.CholeskyLower(forced, n, n, new KernelOptions { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 }));
            Assert.True(SameBits(one, forced), $"1 thread and forced 2-thread parallelism differ (attempt {attempt})");
            cooperated = Interlocked.Read(ref WorkerTeam.HelperParticipations) > before;
        }
        // At n = 97 every parallel piece lasts a few µs and the caller may finish before the helper joins.
        if (n >= 300) Assert.True(cooperated, "the helper thread never took part in 200 forced-parallel factorisations");
    }

    /// <summary>Several threads factorising at once (they compete for the helper team) each get the single-threaded bits.</summary>
    [Fact]
    public void ConcurrentCallersGetTheSameBits()
    {
        const int n = 260;
        double[,] a = Spd(n, new Random(77));
        double[] want = LowerBuffer(a, n, 0);
        Assert.Equal(-1, DenseKernels.CholeskyLower(want, n, n, KernelOptions.SingleThreaded));
        var results = new double[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, r =>
        {
            for (int rep = 0; rep < 5; rep++)
            {
                double[] buf = LowerBuffer(a, n, 0);
                Assert.Equal(-1, DenseKernels.CholeskyLower(buf, n, n, new KernelOptions { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 }));
                results[r] = buf;
                Assert.True(SameBits(want, buf), $"caller {r} repeat {rep} differs from the single-threaded factor");
            }
        });
    }

    [Fact]
    public void RejectsBuffersThatAreTooSmall()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.CholeskyLower(new double[8], 3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.CholeskyLower(new double[9], 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.CholeskyLower(new double[9], -1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.CholeskyLower(new double[9], 3, 3, new KernelOptions { MaxDegreeOfParallelism = -1 }));
        Assert.Equal(-1, DenseKernels.CholeskyLower(Span<double>.Empty, 0, 0));
    }

    /// <summary>Block-diagonal factorisation agrees with the naive factor of each block (q = 1–9, up to 6 blocks), and reports block · q + column.</summary>
    [Fact]
    public void BlockDiagonalMatchesReferencePerBlock()
    {
        var rng = new Random(5);
        for (int q = 0; q <= 9; q++)
            for (int count = 0; count <= 6; count++)
            {
                var blocks = new double[q * q * count];
                var reference = new double[q * q * count];
                for (int b = 0; b < count; b++)
                {
                    double[,] a = Spd(q, rng);
                    for (int j = 0; j < q; j++)
                        for (int i = 0; i < q; i++) blocks[b * q * q + j * q + i] = reference[b * q * q + j * q + i] = a[i, j];
                    Assert.Equal(-1, ReferenceKernels.CholeskyLower(reference.AsSpan(b * q * q, q * q), q, q));
                }
                Assert.Equal(-1, DenseKernels.CholeskyBlockDiagonal(blocks, q, count));
                for (int b = 0; b < count; b++)
                    for (int j = 0; j < q; j++)
                        for (int i = j; i < q; i++)
                        {
                            int t = b * q * q + j * q + i;
                            Assert.True(Math.Abs(blocks[t] - reference[t]) <= 8 * (q + 2) * Eps * 2, $"q={q} block {b} [{i},{j}]: {blocks[t]} vs {reference[t]}");
                        }
            }
        for (int q = 1; q <= 5; q++)
        {
            var blocks = new double[q * q * 4];
            for (int b = 0; b < 4; b++)
                for (int j = 0; j < q; j++) blocks[b * q * q + j * q + j] = 1;
            blocks[2 * q * q + (q - 1) * q + (q - 1)] = -0.5;
            Assert.Equal(2 * q + q - 1, DenseKernels.CholeskyBlockDiagonal(blocks, q, 4));
        }
    }

    [Fact]
    public void LogDeterminantIsTwiceTheSumOfLogPivots()
    {
        var rng = new Random(8);
        double[,] a = Spd(40, rng);
        double[] buf = LowerBuffer(a, 41, 0);
        Assert.Equal(-1, DenseKernels.CholeskyLower(buf, 40, 41));
        double want = 0;
        for (int j = 0; j < 40; j++) want += 2 * Math.Log(buf[j * 41 + j]);
        Assert.Equal(want, DenseKernels.LogDeterminantFromCholesky(buf, 40, 41), 12);
        // det of diag(4, 9) = 36.
        Assert.Equal(Math.Log(36), DenseKernels.LogDeterminantFromCholesky(new double[] { 2, 0, 0, 3 }, 2, 2), 14);
    }
}
