using MathNet.Numerics;

namespace Multilevel.Inference;

/// <summary>
/// Tail probabilities and quantiles of the distributions used by tests: Student t, F, χ² and the
/// standard normal. Upper tails are computed directly from the regularized incomplete beta and gamma
/// functions (not as 1 − CDF), so tiny p-values such as 8.71e-220 keep their relative accuracy.
/// </summary>
public static class Probability
{
    /// <summary>Two-sided p-value P(|T| ≥ |t|) of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentTTwoSided(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df)) return double.NaN;
        if (double.IsInfinity(df)) return NormalTwoSided(t);
        if (double.IsInfinity(t)) return 0;
        double x = df / (df + t * t);
        return SpecialFunctions.BetaRegularized(df / 2, 0.5, x);
    }

    /// <summary>Upper tail P(F ≥ f) of the F distribution with (<paramref name="df1"/>, <paramref name="df2"/>) degrees of freedom.</summary>
    public static double FUpper(double f, double df1, double df2)
    {
        if (double.IsNaN(f) || double.IsNaN(df1) || double.IsNaN(df2)) return double.NaN;
        if (f <= 0) return 1;
        if (double.IsInfinity(f)) return 0;
        double x = df2 / (df2 + df1 * f);
        return SpecialFunctions.BetaRegularized(df2 / 2, df1 / 2, x);
    }

    /// <summary>Upper tail P(X ≥ x) of χ² with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquaredUpper(double x, double df)
    {
        if (double.IsNaN(x) || double.IsNaN(df)) return double.NaN;
        if (x <= 0) return 1;
        if (double.IsInfinity(x)) return 0;
        return SpecialFunctions.GammaUpperRegularized(df / 2, x / 2);
    }

    /// <summary>Two-sided p-value P(|Z| ≥ |z|) of the standard normal.</summary>
    public static double NormalTwoSided(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        return SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
    }

    /// <summary>Upper tail P(Z ≥ z) of the standard normal.</summary>
    public static double NormalUpper(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));

    /// <summary>Standard normal quantile Φ⁻¹(p).</summary>
    public static double NormalQuantile(double p)
    {
        if (!(p >= 0 && p <= 1)) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        // Φ⁻¹(p) = −√2 erfc⁻¹(2p)
        return -Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * p);
    }

    /// <summary>Quantile of Student's t with <paramref name="df"/> degrees of freedom, by Newton steps on
    /// the incomplete-beta tail from the normal quantile (relative accuracy near machine precision).</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (!(p >= 0 && p <= 1) || !(df > 0)) return double.NaN;
        if (double.IsInfinity(df)) return NormalQuantile(p);
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0;
        bool upper = p > 0.5;
        double tail = upper ? 1 - p : p;          // one-sided tail probability of |T| ≥ t on one side
        // Cornish–Fisher start, then safeguarded Newton on g(t) = P(T ≥ t) − tail for t > 0.
        double z = -NormalQuantile(tail);
        double g1 = (z * z * z + z) / 4, g2 = (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / 96;
        double t = z + g1 / df + g2 / (df * df);
        if (!(t > 0) || double.IsInfinity(t)) t = z;
        double lo = 0, hi = double.PositiveInfinity;
        for (int iter = 0; iter < 100; iter++)
        {
            double sf = 0.5 * StudentTTwoSided(t, df);
            double diff = sf - tail;
            if (diff > 0) lo = t; else hi = t;
            double density = Math.Exp(SpecialFunctions.GammaLn((df + 1) / 2) - SpecialFunctions.GammaLn(df / 2)
                - 0.5 * Math.Log(df * Math.PI) - (df + 1) / 2 * Math.Log(1 + t * t / df));
            double step = diff / density;         // d sf / dt = −density
            double next = t + step;
            if (!(next > lo && next < hi)) next = double.IsInfinity(hi) ? 2 * t + 1 : (lo + hi) / 2;
            if (Math.Abs(next - t) <= 1e-15 * Math.Max(1, Math.Abs(t)))
            {
                t = next;
                break;
            }
            t = next;
        }
        return upper ? t : -t;
    }
}
