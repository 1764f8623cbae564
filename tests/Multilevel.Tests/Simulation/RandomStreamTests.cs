using Multilevel.Simulation;
using Xunit;

namespace Multilevel.Tests.Simulation;

/// <summary>The generator against the authors' reference C code, and the distributions of its draws.</summary>
public class RandomStreamTests
{
    [Fact]
    public void MatchesTheReferenceImplementation()
    {
        // fixtures/scripts/xoshiro256starstar-reference.c: state from SplitMix64(42), then from SplitMix64(0)
        ulong[] seed42 = [1546998764402558742UL, 6990951692964543102UL, 12544586762248559009UL, 17057574109182124193UL, 18295552978065317476UL];
        ulong[] seed0 = [11091344671253066420UL, 13793997310169335082UL, 1900383378846508768UL];
        var a = new RandomStream(42);
        foreach (var expected in seed42) Assert.Equal(expected, a.NextUInt64());
        var b = new RandomStream(0);
        foreach (var expected in seed0) Assert.Equal(expected, b.NextUInt64());
    }

    [Fact]
    public void StreamsAreReproducibleAndDistinct()
    {
        var s1 = RandomStream.ForStream(7, 3);
        var s2 = RandomStream.ForStream(7, 3);
        var s3 = RandomStream.ForStream(7, 4);
        var x1 = Enumerable.Range(0, 100).Select(_ => s1.NextNormal()).ToArray();
        var x2 = Enumerable.Range(0, 100).Select(_ => s2.NextNormal()).ToArray();
        var x3 = Enumerable.Range(0, 100).Select(_ => s3.NextNormal()).ToArray();
        Assert.Equal(x1, x2);
        Assert.NotEqual(x1, x3);
    }

    [Fact]
    public void NormalDrawsFollowTheStandardNormal()
    {
        // Kolmogorov–Smirnov against Φ on 100,000 draws: the 0.1 % critical value is 1.95/√n
        var r = new RandomStream(2024);
        const int n = 100_000;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.NextNormal();
        Array.Sort(x);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = MathNet.Numerics.Distributions.Normal.CDF(0, 1, x[i]);
            d = Math.Max(d, Math.Max(Math.Abs(f - (double)i / n), Math.Abs((double)(i + 1) / n - f)));
        }
        Assert.True(d < 1.95 / Math.Sqrt(n), $"KS distance {d}");
        Assert.InRange(x.Average(), -0.015, 0.015);
    }

    [Fact]
    public void UniformsIntegersAndCountsHaveTheirMeans()
    {
        var r = new RandomStream(99);
        const int n = 200_000;
        double u = 0, k = 0, p = 0, b = 0;
        for (int i = 0; i < n; i++)
        {
            double v = r.NextUniform(-0.7, 0.7);
            Assert.InRange(v, -0.7, 0.7);
            u += v;
            int j = r.NextInt(10);
            Assert.InRange(j, 0, 9);
            k += j;
            p += r.NextPoisson(3.5);
            b += r.NextBernoulli(0.25);
        }
        Assert.InRange(u / n, -0.005, 0.005);     // sd of the mean 0.40/√n = 0.0009
        Assert.InRange(k / n, 4.47, 4.53);        // 4.5 ± 5 sd (2.87/√n = 0.0064)
        Assert.InRange(p / n, 3.48, 3.52);        // 3.5 ± 5 sd (0.0042)
        Assert.InRange(b / n, 0.245, 0.255);      // 0.25 ± 5 sd (0.00097)
        Assert.InRange(Enumerable.Range(0, 2000).Average(_ => r.NextPoisson(60)), 59.0, 61.0);
    }

    [Fact]
    public void PortableLogAndExpAgreeWithTheRuntimeToTwoUlps()
    {
        var r = new RandomStream(5);
        for (int i = 0; i < 200_000; i++)
        {
            double x = Math.Pow(10, r.NextUniform(-300, 300));
            AssertUlps(Math.Log(x), PortableMath.Log(x), 2, x);
            double y = r.NextUniform(-740, 705);
            AssertUlps(Math.Exp(y), PortableMath.Exp(y), 2, y);
            double s = r.NextDouble();
            AssertUlps(Math.Log(s), PortableMath.Log(s), 2, s);
        }
        Assert.Equal(0.0, PortableMath.Log(1.0));
        Assert.Equal(1.0, PortableMath.Exp(0.0));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0.0));
        Assert.True(double.IsNaN(PortableMath.Log(-1)));
        Assert.Equal(Math.Log(double.Epsilon), PortableMath.Log(double.Epsilon), 12);
    }

    private static void AssertUlps(double expected, double actual, int ulps, double at)
    {
        if (expected == actual) return;
        long a = BitConverter.DoubleToInt64Bits(expected), b = BitConverter.DoubleToInt64Bits(actual);
        Assert.True(Math.Abs(a - b) <= ulps, $"at {at:R}: runtime {expected:R}, portable {actual:R}");
    }
}
