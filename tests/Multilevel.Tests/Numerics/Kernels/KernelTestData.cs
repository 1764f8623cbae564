using Xunit;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Tests.Numerics.Kernels;

/// <summary>Random test matrices embedded in larger buffers (offset, odd leading dimension, sentinel padding).</summary>
internal static class KernelTestData
{
    public const double Eps = 2.220446049250313e-16;

    /// <summary>Value of every buffer slot outside the matrix (and of the strict upper triangle where unreferenced).</summary>
    public const double Sentinel = -7.25e300;

    /// <summary>Instruction-set paths this machine can run (each is tested).</summary>
    public static IEnumerable<KernelIsa> Isas() =>
        Enum.GetValues<KernelIsa>().Where(KernelSet.IsSupported);

    public static TheoryData<int> IsaData()
    {
        var d = new TheoryData<int>();
        foreach (KernelIsa isa in Isas()) d.Add((int)isa);
        return d;
    }

    public static KernelOptions Options(KernelIsa isa, int threads = 1, long threshold = 0) =>
        new() { Isa = isa, MaxDegreeOfParallelism = threads, ParallelThreshold = threshold };

    /// <summary>A buffer holding a rows × cols matrix at <paramref name="offset"/> with leading dimension ld, filled with sentinels elsewhere.</summary>
    public static double[] Buffer(int rows, int cols, int ld, int offset, Func<int, int, double> value)
    {
        var buf = new double[offset + Math.Max(0, cols) * ld + 5];
        Array.Fill(buf, Sentinel);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) buf[offset + j * ld + i] = value(i, j);
        return buf;
    }

    /// <summary>Entries uniform in [−1, 1).</summary>
    public static Func<int, int, double> Uniform(Random rng) => (_, _) => 2 * rng.NextDouble() - 1;

    /// <summary>Well-conditioned SPD matrix A = M Mᵀ / n + I (condition number below 3), full storage.</summary>
    public static double[,] Spd(int n, Random rng)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = 2 * rng.NextDouble() - 1;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int p = 0; p < n; p++) s += m[i, p] * m[j, p];
                s /= Math.Max(1, n);
                if (i == j) s += 1;
                a[i, j] = s;
                a[j, i] = s;
            }
        return a;
    }

    /// <summary>Lower triangle of an SPD matrix in a buffer, upper triangle and padding set to the sentinel.</summary>
    public static double[] LowerBuffer(double[,] a, int ld, int offset)
    {
        int n = a.GetLength(0);
        return Buffer(n, n, ld, offset, (i, j) => i >= j ? a[i, j] : Sentinel);
    }

    /// <summary>Asserts that every slot outside the written region (mask false) still holds the sentinel or its original value.</summary>
    public static void AssertUntouched(double[] before, double[] after, Func<int, bool> written, string what)
    {
        for (int t = 0; t < before.Length; t++)
        {
            if (written(t)) continue;
            if (BitConverter.DoubleToInt64Bits(before[t]) != BitConverter.DoubleToInt64Bits(after[t]))
                Assert.Fail($"{what}: slot {t} outside the output was changed ({before[t]} → {after[t]}).");
        }
    }

    /// <summary>Maps a buffer slot to (i, j) of a matrix at offset with leading dimension ld, or (−1, −1).</summary>
    public static (int I, int J) Index(int t, int rows, int cols, int ld, int offset)
    {
        if (t < offset) return (-1, -1);
        int j = (t - offset) / ld, i = (t - offset) % ld;
        return i < rows && j < cols ? (i, j) : (-1, -1);
    }

    public static bool SameBits(double[] x, double[] y) =>
        x.Length == y.Length && x.Zip(y).All(p => BitConverter.DoubleToInt64Bits(p.First) == BitConverter.DoubleToInt64Bits(p.Second));
}
