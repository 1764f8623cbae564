using Xunit;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;
using static Multilevel.Tests.Numerics.Kernels.KernelTestData;

namespace Multilevel.Tests.Numerics.Kernels;

public class TriangularTests
{
    public TriangularTests() => WorkerTeam.BackOffEnabled = false;

    public static TheoryData<int> Isa => IsaData();

    /// <summary>A well-conditioned lower-triangular factor (the Cholesky factor of an SPD matrix with κ &lt; 3) in full n × n storage.</summary>
    private static double[] Factor(int n, Random rng)
    {
        double[] l = LowerBuffer(Spd(n, rng), Math.Max(n, 1), 0);
        Assert.Equal(-1, ReferenceKernels.CholeskyLower(l, n, Math.Max(n, 1)));
        for (int j = 0; j < n; j++)
            for (int i = 0; i < j; i++) l[j * n + i] = Sentinel;
        return l;
    }

    private static void AssertClose(double[] got, double[] want, int rows, int cols, int ld, int off, double tol, string what)
    {
        double max = 1;
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) max = Math.Max(max, Math.Abs(want[off + j * ld + i]));
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
            {
                double g = got[off + j * ld + i], w = want[off + j * ld + i];
                if (!(Math.Abs(g - w) <= tol * max)) Assert.Fail($"{what}: [{i},{j}] = {g}, reference {w}, tolerance {tol * max:g3}");
            }
    }

    /// <summary>
    /// B := B L⁻ᵀ and B := B L⁻¹ for every order 0–130 and larger, against naive substitution. L has κ &lt; 2, so
    /// forward errors of both are a few n·ε·max|X|; the test allows 8(n + 2)ε·max|X|. Padding is untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void RightSolvesMatchReference(int isa)
    {
        var rng = new Random(31);
        foreach (int n in Enumerable.Range(0, 131).Concat([200, 301]))
        {
            int m = (n * 7 + 5) % 140, ldb = m + 1 + n % 3, off = 2;
            double[] l = Factor(n, rng);
            foreach (bool transpose in new[] { true, false })
            {
                double[] b = Buffer(m, n, ldb, off, Uniform(rng));
                double[] want = (double[])b.Clone(), before = (double[])b.Clone();
                if (transpose)
                {
                    ReferenceKernels.TrsmRightLowerTranspose(m, n, l, Math.Max(n, 1), want.AsSpan(off), ldb);
                    DenseKernels.TrsmRightLowerTranspose(m, n, l, Math.Max(n, 1), b.AsSpan(off), ldb, Options((KernelIsa)isa, 2, 1));
                }
                else
                {
                    ReferenceKernels.TrsmRightLower(m, n, l, Math.Max(n, 1), want.AsSpan(off), ldb);
                    DenseKernels.TrsmRightLower(m, n, l, Math.Max(n, 1), b.AsSpan(off), ldb, Options((KernelIsa)isa, 2, 1));
                }
                AssertClose(b, want, m, n, ldb, off, 8 * (n + 2) * Eps, $"TRSM right transpose={transpose} m={m} n={n}");
                AssertUntouched(before, b, t => Index(t, m, n, ldb, off).I >= 0, $"TRSM right m={m} n={n}");
            }
        }
    }

    /// <summary>The block-diagonal right solve equals the naive solve of each column block with its own q × q factor (q = 1–6, 0–5 blocks).</summary>
    [Fact]
    public void BlockDiagonalRightSolveMatchesPerBlockReference()
    {
        var rng = new Random(36);
        for (int q = 0; q <= 6; q++)
            for (int count = 0; count <= 5; count++)
            {
                int m = 7 + q + count, ldb = m + 2;
                var blocks = new double[q * q * count];
                for (int k = 0; k < count; k++)
                {
                    double[] l = Factor(q, rng);
                    Array.Copy(l, 0, blocks, k * q * q, q * q);
                }
                double[] b = Buffer(m, q * count, ldb, 1, Uniform(rng));
                double[] want = (double[])b.Clone();
                for (int k = 0; k < count; k++)
                    ReferenceKernels.TrsmRightLowerTranspose(m, q, blocks.AsSpan(k * q * q, q * q), q, want.AsSpan(1 + k * q * ldb), ldb);
                DenseKernels.TrsmRightLowerTransposeBlockDiagonal(m, q, count, blocks, b.AsSpan(1), ldb);
                AssertClose(b, want, m, q * count, ldb, 1, 8 * (q + 2) * Eps, $"block-diagonal solve q={q} count={count}");
                AssertUntouched(want, b, t => Index(t, m, q * count, ldb, 1).I >= 0, "block-diagonal solve");
            }
    }

    /// <summary>L X = B and Lᵀ X = B with several right-hand sides, and the single-vector solves, against naive substitution (same tolerance).</summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void LeftSolvesMatchReference(int isa)
    {
        var rng = new Random(32);
        foreach (int n in Enumerable.Range(0, 131).Concat([200, 301]))
        {
            int nrhs = (n * 5 + 3) % 23, ldb = n + 3, off = 1;
            double[] l = Factor(n, rng);
            foreach (bool transpose in new[] { false, true })
            {
                double[] b = Buffer(n, nrhs, ldb, off, Uniform(rng));
                double[] want = (double[])b.Clone(), before = (double[])b.Clone();
                for (int c = 0; c < nrhs; c++)
                {
                    var col = want.AsSpan(off + c * ldb, n);
                    if (transpose) ReferenceKernels.SolveLowerTranspose(n, l, Math.Max(n, 1), col);
                    else ReferenceKernels.SolveLower(n, l, Math.Max(n, 1), col);
                }
                if (transpose) DenseKernels.SolveLowerTranspose(n, nrhs, l, Math.Max(n, 1), b.AsSpan(off), ldb, Options((KernelIsa)isa, 2, 1));
                else DenseKernels.SolveLower(n, nrhs, l, Math.Max(n, 1), b.AsSpan(off), ldb, Options((KernelIsa)isa, 2, 1));
                AssertClose(b, want, n, nrhs, ldb, off, 8 * (n + 2) * Eps, $"solve transpose={transpose} n={n} nrhs={nrhs}");
                AssertUntouched(before, b, t => Index(t, n, nrhs, ldb, off).I >= 0, $"solve n={n}");

                double[] x = new double[n], xr = new double[n];
                for (int i = 0; i < n; i++) x[i] = xr[i] = 2 * rng.NextDouble() - 1;
                if (transpose)
                {
                    ReferenceKernels.SolveLowerTranspose(n, l, Math.Max(n, 1), xr);
                    DenseKernels.SolveLowerTranspose(n, l, Math.Max(n, 1), x);
                }
                else
                {
                    ReferenceKernels.SolveLower(n, l, Math.Max(n, 1), xr);
                    DenseKernels.SolveLower(n, l, Math.Max(n, 1), x);
                }
                AssertClose(x, xr, n, 1, n, 0, 8 * (n + 2) * Eps, $"vector solve transpose={transpose} n={n}");
            }
        }
    }

    /// <summary>Right-hand sides with many columns (the parallel chunked path) give the same bits with 1 and 2 threads.</summary>
    [Fact]
    public void SolvesAreDeterministicAcrossThreadCounts()
    {
        var rng = new Random(33);
        int n = 150, nrhs = 500;
        double[] l = Factor(n, rng);
        double[] b0 = Buffer(n, nrhs, n, 0, Uniform(rng));
        double[] one = (double[])b0.Clone(), two = (double[])b0.Clone();
        DenseKernels.CholeskySolve(n, nrhs, l, n, one, n, KernelOptions.SingleThreaded);
        DenseKernels.CholeskySolve(n, nrhs, l, n, two, n, new KernelOptions { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 });
        Assert.True(SameBits(one, two));
        double[] r0 = Buffer(nrhs, n, nrhs, 0, Uniform(rng));
        double[] r1 = (double[])r0.Clone(), r2 = (double[])r0.Clone();
        DenseKernels.TrsmRightLowerTranspose(nrhs, n, l, n, r1, nrhs, KernelOptions.SingleThreaded);
        DenseKernels.TrsmRightLowerTranspose(nrhs, n, l, n, r2, nrhs, new KernelOptions { MaxDegreeOfParallelism = 2, ParallelThreshold = 1 });
        Assert.True(SameBits(r1, r2));
    }

    /// <summary>CholeskySolve solves A X = B: residual ‖A X − B‖ within 16(n + 2)ε·‖A‖·‖X‖ (max norms; κ(A) &lt; 3).</summary>
    [Fact]
    public void CholeskySolveSolvesTheSystem()
    {
        var rng = new Random(34);
        foreach (int n in new[] { 1, 2, 9, 33, 130, 257 })
        {
            double[,] a = Spd(n, rng);
            double[] l = LowerBuffer(a, n, 0);
            Assert.Equal(-1, DenseKernels.CholeskyLower(l, n, n));
            int nrhs = 3;
            double[] b = Buffer(n, nrhs, n, 0, Uniform(rng)), x = (double[])b.Clone();
            DenseKernels.CholeskySolve(n, nrhs, l, n, x, n);
            double xmax = x.Max(Math.Abs);
            for (int c = 0; c < nrhs; c++)
                for (int i = 0; i < n; i++)
                {
                    double r = -b[c * n + i];
                    for (int p = 0; p < n; p++) r += a[i, p] * x[c * n + p];
                    Assert.True(Math.Abs(r) <= 16 * (n + 2) * Eps * 3 * xmax, $"n={n} residual {r}");
                }
        }
    }

    /// <summary>L⁻¹ in place and (L Lᵀ)⁻¹ against the naive column-by-column inverses, every order 0–130 and larger; tolerance 16(n + 2)ε·max|inverse|.</summary>
    [Theory]
    [MemberData(nameof(Isa))]
    public void InversesMatchReference(int isa)
    {
        var rng = new Random(35);
        foreach (int n in Enumerable.Range(0, 131).Concat([200, 301]))
        {
            int ld = n + 2;
            double[] l = Factor(n, rng);
            double[] lwide = Buffer(n, n, ld, 1, (i, j) => i >= j ? l[j * n + i] : Sentinel);
            double[] want = new double[Math.Max(1, n * n)];
            ReferenceKernels.InvertLower(n, l, Math.Max(n, 1), want, Math.Max(n, 1));
            double[] before = (double[])lwide.Clone();
            DenseKernels.InvertLower(lwide.AsSpan(1), n, ld, Options((KernelIsa)isa, 2, 1));
            double[] got = new double[want.Length];
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++) got[j * n + i] = lwide[1 + j * ld + i];
            AssertClose(got, want, n, n, n, 0, 16 * (n + 2) * Eps, $"InvertLower n={n}");
            AssertUntouched(before, lwide, t => Index(t, n, n, ld, 1) is var (i, j) && i >= 0 && i >= j, $"InvertLower n={n}");

            double[] inv = Buffer(n, n, ld, 3, (_, _) => Sentinel);
            ReferenceKernels.CholeskyInverse(n, l, Math.Max(n, 1), want, Math.Max(n, 1));
            DenseKernels.CholeskyInverse(l, n, Math.Max(n, 1), inv.AsSpan(3), ld, Options((KernelIsa)isa, 2, 1));
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) got[j * n + i] = inv[3 + j * ld + i];
            AssertClose(got, want, n, n, n, 0, 16 * (n + 2) * Eps, $"CholeskyInverse n={n}");
            for (int j = 0; j < n; j++)
                for (int i = 0; i < j; i++) Assert.Equal(got[j * n + i], got[i * n + j]);
        }
    }
}
