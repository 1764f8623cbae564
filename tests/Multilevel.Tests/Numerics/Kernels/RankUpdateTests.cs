using Xunit;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;
using static Multilevel.Tests.Numerics.Kernels.KernelTestData;

namespace Multilevel.Tests.Numerics.Kernels;

public class RankUpdateTests
{
    public RankUpdateTests() => WorkerTeam.BackOffEnabled = false;

    public static TheoryData<int> Isa => IsaData();

    /// <summary>(m, n, k) triples: each size 0–130 appears as m, with n and k cycling through other values, plus cubes and a few larger shapes.</summary>
    public static IEnumerable<(int M, int N, int K)> Shapes()
    {
        for (int s = 0; s <= 130; s++)
        {
            yield return (s, (3 * s + 1) % 131, (5 * s + 2) % 131);
            yield return ((7 * s + 3) % 131, s, s);
        }
        yield return (300, 7, 513);
        yield return (1, 300, 260);
        yield return (257, 259, 600);
    }

    /// <summary>
    /// GEMM-NT on every path against the naive loop. Bound: each element of A·Bᵀ is a k-term sum, so both
    /// results lie within (k + 2)·ε·(|C| + Σ_p |a_ip||b_jp|) of the exact value; the test allows twice that.
    /// C outside its m × n block (padding) is untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void GemmNtMatchesReference(int isa)
    {
        var rng = new Random(21);
        foreach (var (m, n, k) in Shapes())
        {
            int lda = m + 1 + m % 3, ldb = n + 2, ldc = m + 3, offA = 1, offB = 4, offC = 2;
            double[] a = Buffer(m, k, lda, offA, Uniform(rng));
            double[] b = Buffer(n, k, ldb, offB, Uniform(rng));
            double[] c = Buffer(m, n, ldc, offC, Uniform(rng));
            double[] want = (double[])c.Clone(), before = (double[])c.Clone();
            ReferenceKernels.GemmNtSubtract(m, n, k, a.AsSpan(offA), lda, b.AsSpan(offB), ldb, want.AsSpan(offC), ldc);
            DenseKernels.GemmNtSubtract(m, n, k, a.AsSpan(offA), lda, b.AsSpan(offB), ldb, c.AsSpan(offC), ldc, Options((KernelIsa)isa, 2, 1));
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++)
                {
                    double bound = Math.Abs(before[offC + j * ldc + i]);
                    for (int p = 0; p < k; p++) bound += Math.Abs(a[offA + p * lda + i] * b[offB + p * ldb + j]);
                    double tol = 2 * (k + 2) * Eps * bound;
                    double got = c[offC + j * ldc + i], exp = want[offC + j * ldc + i];
                    if (!(Math.Abs(got - exp) <= tol)) Assert.Fail($"GEMM {m}×{n}×{k} C[{i},{j}] = {got}, reference {exp}, tolerance {tol:g3}");
                }
            AssertUntouched(before, c, t => Index(t, m, n, ldc, offC).I >= 0, $"GEMM {m}×{n}×{k}");
        }
    }

    /// <summary>SYRK (lower) on every path against the naive loop, same bound as GEMM; the strict upper triangle and padding are untouched.</summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void SyrkMatchesReferenceAndLeavesTheUpperTriangle(int isa)
    {
        var rng = new Random(22);
        foreach (var (n, _, k) in Shapes())
        {
            int lda = n + 2, ldc = n + 1 + n % 4, offA = 3, offC = 1;
            double[] a = Buffer(n, k, lda, offA, Uniform(rng));
            double[] c = Buffer(n, n, ldc, offC, (i, j) => i >= j ? 2 * rng.NextDouble() - 1 : Sentinel);
            double[] want = (double[])c.Clone(), before = (double[])c.Clone();
            ReferenceKernels.SyrkLowerSubtract(n, k, a.AsSpan(offA), lda, want.AsSpan(offC), ldc);
            DenseKernels.SyrkLowerSubtract(n, k, a.AsSpan(offA), lda, c.AsSpan(offC), ldc, Options((KernelIsa)isa, 2, 1));
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                {
                    double bound = Math.Abs(before[offC + j * ldc + i]);
                    for (int p = 0; p < k; p++) bound += Math.Abs(a[offA + p * lda + i] * a[offA + p * lda + j]);
                    double tol = 2 * (k + 2) * Eps * bound;
                    double got = c[offC + j * ldc + i], exp = want[offC + j * ldc + i];
                    if (!(Math.Abs(got - exp) <= tol)) Assert.Fail($"SYRK n={n} k={k} C[{i},{j}] = {got}, reference {exp}, tolerance {tol:g3}");
                }
            AssertUntouched(before, c, t => Index(t, n, n, ldc, offC) is var (i, j) && i >= 0 && i >= j, $"SYRK n={n} k={k}");
        }
    }

    /// <summary>GEMM and SYRK give the same bits twice and with 1 or 2 threads (forced parallel with threshold 1), for sizes with edge tiles.</summary>
    [Theory]
    [InlineData(131, 129, 257)]
    [InlineData(400, 333, 520)]
    public void UpdatesAreDeterministic(int m, int n, int k)
    {
        var rng = new Random(m + n + k);
        double[] a = Buffer(m, k, m, 0, Uniform(rng)), b = Buffer(n, k, n, 0, Uniform(rng)), c0 = Buffer(m, n, m, 0, Uniform(rng));
        double[] s0 = Buffer(m, m, m, 0, Uniform(rng));
        double[] Gemm(KernelOptions o)
        {
            double[] c = (double[])c0.Clone();
            DenseKernels.GemmNtSubtract(m, n, k, a, m, b, n, c, m, o);
            return c;
        }
        double[] Syrk(KernelOptions o)
        {
            double[] c = (double[])s0.Clone();
            DenseKernels.SyrkLowerSubtract(m, k, a, m, c, m, o);
            return c;
        }
        var one = KernelOptions.SingleThreaded;
        var two = new KernelOptions { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 };
        Assert.True(SameBits(Gemm(one), Gemm(one)));
        Assert.True(SameBits(Gemm(one), Gemm(two)));
        Assert.True(SameBits(Syrk(one), Syrk(two)));
    }

    /// <summary>Sparse (compressed-column) SYRK equals the dense naive SYRK of the same matrix to the GEMM bound; upper triangle untouched.</summary>
    [Fact]
    public void SparseSyrkMatchesDense()
    {
        var rng = new Random(23);
        foreach (var (n, k) in new[] { (0, 0), (1, 1), (5, 0), (7, 12), (40, 90), (130, 300) })
        {
            var starts = new int[k + 1];
            var rows = new List<int>();
            var vals = new List<double>();
            double[] dense = new double[n * Math.Max(k, 1)];
            for (int p = 0; p < k; p++)
            {
                for (int i = 0; i < n; i++)
                    if (rng.NextDouble() < 0.2)
                    {
                        double v = 2 * rng.NextDouble() - 1;
                        rows.Add(i);
                        vals.Add(v);
                        dense[p * n + i] = v;
                    }
                starts[p + 1] = rows.Count;
            }
            double[] c = Buffer(n, n, n + 1, 0, (i, j) => i >= j ? rng.NextDouble() : Sentinel);
            double[] want = (double[])c.Clone(), before = (double[])c.Clone();
            ReferenceKernels.SyrkLowerSubtract(n, k, dense, Math.Max(n, 1), want, n + 1);
            DenseKernels.SyrkLowerSubtractSparse(n, k, starts, rows.ToArray(), vals.ToArray(), c, n + 1);
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                    Assert.True(Math.Abs(c[j * (n + 1) + i] - want[j * (n + 1) + i]) <= 4 * (k + 2) * Eps * (1 + k), $"sparse SYRK n={n} k={k} [{i},{j}]");
            AssertUntouched(before, c, t => Index(t, n, n, n + 1, 0) is var (i, j) && i >= 0 && i >= j, "sparse SYRK");
        }
        Assert.Throws<ArgumentException>(() => DenseKernels.SyrkLowerSubtractSparse(3, 1, new[] { 0, 2 }, new[] { 2, 1 }, new[] { 1.0, 1.0 }, new double[9], 3));
        Assert.Throws<ArgumentException>(() => DenseKernels.SyrkLowerSubtractSparse(3, 1, new[] { 0, 2 }, new[] { 0, 3 }, new[] { 1.0, 1.0 }, new double[9], 3));
    }

    [Fact]
    public void RejectsInconsistentDimensions()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.GemmNtSubtract(3, 3, 3, new double[8], 3, new double[9], 3, new double[9], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.GemmNtSubtract(3, 3, 3, new double[9], 2, new double[9], 3, new double[9], 3));
        Assert.Throws<ArgumentException>(() => DenseKernels.SyrkLowerSubtract(4, 2, new double[8], 4, new double[15], 4));
        DenseKernels.GemmNtSubtract(0, 5, 5, [], 0, new double[25], 5, [], 0);
    }
}
