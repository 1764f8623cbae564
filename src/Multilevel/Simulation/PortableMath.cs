namespace Multilevel.Simulation;

/// <summary>
/// Natural logarithm and exponential computed with IEEE-754 additions, multiplications and divisions only, so
/// that they give bit-identical results on every platform and .NET version (the runtime's <see cref="Math.Log(double)"/>
/// and <see cref="Math.Exp"/> call the C library, whose last bit may differ between systems). The random-number
/// transformations of <see cref="RandomStream"/> use them so that a seed reproduces the same data everywhere.
/// Accuracy: within 2 units in the last place over the whole range.
/// </summary>
public static class PortableMath
{
    // ln 2 split so that k·Ln2Hi is exact for |k| < 2^11.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double Sqrt2 = 1.41421356237309514547;

    // 1/12!, 1/11!, …, 1/2! for the Horner evaluation of (eʳ − 1 − r)/r².
    private static readonly double[] ExpCoefficients =
        [1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5];

    /// <summary>The natural logarithm (NaN for negative or NaN input, −∞ at 0, +∞ at +∞).</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return double.PositiveInfinity;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7ff);
        if (exponent == 0)
        {
            // subnormal: scale into the normal range first (2^54 is exact)
            x *= 18014398509481984.0;
            bits = BitConverter.DoubleToInt64Bits(x);
            exponent = (int)((bits >> 52) & 0x7ff) - 54;
        }
        int e = exponent - 1023;
        // mantissa m in [1, 2)
        double m = BitConverter.Int64BitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
        if (m > Sqrt2)
        {
            m *= 0.5;
            e++;
        }
        // log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716; f = m − 1 is exact.
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double s2 = s * s;
        // 2 atanh(s) = 2s + 2s³/3 + 2s⁵/5 + … = f − s(f − R) with R = 2s²(1/3 + s²/5 + …), since 2s = f − sf.
        double poly = 1.0 / 23;
        for (int k = 21; k >= 3; k -= 2) poly = poly * s2 + 1.0 / k;
        double r = 2.0 * s2 * poly;
        double hfsq = 0.5 * f * f;
        // log(1 + f) = f − hfsq + s(hfsq + r)  (fdlibm's arrangement)
        double logm = f - (hfsq - s * (hfsq + r));
        return e * Ln2Hi + (logm + e * Ln2Lo);
    }

    /// <summary>The exponential eˣ (0 below −745.2, +∞ above 709.8, NaN for NaN).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.1332191019412) return 0.0;
        // x = k ln2 + r, |r| ≤ ln2/2
        double kd = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        int k = (int)kd;
        double hi = x - kd * Ln2Hi;
        double lo = kd * Ln2Lo;
        double r = hi - lo;
        // e^r by its Taylor series to degree 13 (|r| ≤ 0.347: error < 1e-17 relative), Horner form
        double p = 1.0 / 6227020800.0;
        foreach (double c in ExpCoefficients) p = p * r + c;
        // e^r = 1 + r + r²·p
        double er = 1.0 + (r + r * r * p);
        return ScaleByPowerOfTwo(er, k);
    }

    private static double ScaleByPowerOfTwo(double value, int k)
    {
        // multiply by 2^k in at most three exact steps (each factor is a normal power of two)
        while (k > 1000)
        {
            value *= BitConverter.Int64BitsToDouble((long)(1000 + 1023) << 52);
            k -= 1000;
        }
        while (k < -1000)
        {
            value *= BitConverter.Int64BitsToDouble((long)(-1000 + 1023) << 52);
            k += 1000;
        }
        return value * BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);
    }
}
