namespace Multilevel.Simulation;

/// <summary>
/// A documented, stable pseudo-random generator for simulation and the bootstrap: xoshiro256** 1.0 (Blackman and
/// Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021), seeded through SplitMix64. Unlike
/// <see cref="System.Random"/>, whose sequence may change between .NET versions, the numbers drawn for a seed are
/// fixed by this definition and are the same on every platform:
/// <list type="bullet">
/// <item>uniform doubles on [0, 1): the top 53 bits of a 64-bit output times 2⁻⁵³;</item>
/// <item>standard normals: the ziggurat method of Marsaglia and Tsang (2000) with 128 layers and Doornik's (2005)
/// construction (one 64-bit output gives the uniform, from its top 53 bits, and the layer, from its low 7 bits;
/// the tail beyond R = 3.442619855899 by Marsaglia's exponential rejection), its tables and the rare wedge and tail
/// steps computed with <see cref="PortableMath"/>;</item>
/// <item>streams: <see cref="ForStream"/> gives stream k of a seed its own state (SplitMix64 of the seed, then of
/// k), so that replicate k of a parallel bootstrap draws the same numbers whatever the number of threads.</item>
/// </list>
/// Not safe for concurrent use: give each thread its own stream.
/// </summary>
public sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the generator for a seed.</summary>
    public RandomStream(ulong seed)
    {
        ulong sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>Stream <paramref name="stream"/> of <paramref name="seed"/>: an independent-looking sequence per (seed, stream).</summary>
    public static RandomStream ForStream(ulong seed, ulong stream)
    {
        ulong sm = seed;
        ulong a = SplitMix64(ref sm);
        ulong sk = a ^ (stream * 0xD1B54A32D192ED03UL + 0x8CB92BA72F3D8DD7UL);
        return new RandomStream(SplitMix64(ref sk));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double on [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>A uniform double on [<paramref name="lower"/>, <paramref name="upper"/>).</summary>
    public double NextUniform(double lower, double upper) => lower + (upper - lower) * NextDouble();

    /// <summary>A uniform integer on [0, <paramref name="count"/>) (Lemire's unbiased multiply-and-reject).</summary>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ulong range = (ulong)count;
        while (true)
        {
            ulong x = NextUInt64();
            UInt128 m = (UInt128)x * range;
            ulong low = (ulong)m;
            if (low >= range || low >= (0UL - range) % range) return (int)(m >> 64);
        }
    }

    /// <summary>A standard normal deviate (ziggurat: one 64-bit draw in about 98.8 % of calls).</summary>
    public double NextNormal()
    {
        var x = Ziggurat.X;
        var ratio = Ziggurat.Ratio;
        while (true)
        {
            ulong bits = NextUInt64();
            int layer = (int)(bits & (Ziggurat.Layers - 1));
            double u = 2.0 * ((bits >> 11) * (1.0 / 9007199254740992.0)) - 1.0;
            // inside the rectangle of the layer that lies under the curve
            if (Math.Abs(u) < ratio[layer]) return u * x[layer];
            if (layer == 0) return Tail(u < 0);
            // the wedge between the rectangle and the curve: accept under the density
            double v = u * x[layer];
            double fTop = PortableMath.Exp(-0.5 * (x[layer] * x[layer] - v * v));
            double fBottom = PortableMath.Exp(-0.5 * (x[layer + 1] * x[layer + 1] - v * v));
            if (fBottom + NextDouble() * (fTop - fBottom) < 1.0) return v;
        }
    }

    /// <summary>A normal deviate beyond ±R (Marsaglia 1964): exponential proposals accepted under the normal tail.</summary>
    private double Tail(bool negative)
    {
        double r = Ziggurat.R;
        double a, b;
        do
        {
            a = PortableMath.Log(1.0 - NextDouble()) / r;
            b = PortableMath.Log(1.0 - NextDouble());
        }
        while (-2.0 * b < a * a);
        return negative ? a - r : r - a;
    }

    /// <summary>A normal deviate with the given mean and standard deviation.</summary>
    public double NextNormal(double mean, double standardDeviation) => mean + standardDeviation * NextNormal();

    /// <summary>1 with probability <paramref name="probability"/>, else 0.</summary>
    public double NextBernoulli(double probability) => NextDouble() < probability ? 1.0 : 0.0;

    /// <summary>A binomial count: the number of successes in <paramref name="trials"/> Bernoulli draws.</summary>
    public int NextBinomial(int trials, double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        int count = 0;
        for (int i = 0; i < trials; i++)
        {
            if (NextDouble() < probability) count++;
        }
        return count;
    }

    /// <summary>A Poisson count (multiplication of uniforms below 30, else the inversion by sequential search from the mode).</summary>
    public int NextPoisson(double mean)
    {
        if (!(mean >= 0) || double.IsInfinity(mean)) throw new ArgumentOutOfRangeException(nameof(mean), $"the Poisson mean must be finite and non-negative; it is {mean}");
        if (mean == 0) return 0;
        if (mean < 30)
        {
            double limit = PortableMath.Exp(-mean);
            double product = NextDouble();
            int k = 0;
            while (product > limit)
            {
                product *= NextDouble();
                k++;
            }
            return k;
        }
        // inversion: cumulative probabilities from 0 upward, in log space for the first term
        double u = NextDouble();
        double pk = PortableMath.Exp(-mean);
        int n = 0;
        double cumulative = pk;
        if (pk == 0)
        {
            // very large means: the normal approximation with continuity correction, rounded
            double z = NextNormal();
            return Math.Max(0, (int)Math.Floor(mean + Math.Sqrt(mean) * z + 0.5));
        }
        while (u > cumulative && n < int.MaxValue - 1)
        {
            n++;
            pk *= mean / n;
            cumulative += pk;
            if (pk < 1e-300 && n > mean) break;
        }
        return n;
    }

    /// <summary>
    /// The ziggurat's 128 layers of equal area V under f(x) = exp(−x²/2): X[0] = V/f(R) (the base, whose rectangle is
    /// completed by the tail), X[1] = R, X[i+1] = f⁻¹(V/X[i] + f(X[i])), X[128] = 0; Ratio[i] = X[i+1]/X[i].
    /// R and V are Doornik's (2005) values for 128 layers.
    /// </summary>
    internal static class Ziggurat
    {
        public const int Layers = 128;
        public const double R = 3.442619855899;
        public const double V = 9.91256303526217e-3;

        public static readonly double[] X = BuildX();
        public static readonly double[] Ratio = [.. Enumerable.Range(0, Layers).Select(i => X[i + 1] / X[i])];

        private static double[] BuildX()
        {
            var x = new double[Layers + 1];
            double f = PortableMath.Exp(-0.5 * R * R);
            x[0] = V / f;
            x[1] = R;
            for (int i = 2; i < Layers; i++)
            {
                x[i] = Math.Sqrt(-2.0 * PortableMath.Log(V / x[i - 1] + f));
                f = PortableMath.Exp(-0.5 * x[i] * x[i]);
            }
            x[Layers] = 0;
            return x;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
