namespace Multilevel.Inference;

/// <summary>
/// The residual diagnostics of statsmodels' OLS summary, computed on the weighted residuals √wᵢ eᵢ:
/// D'Agostino–Pearson omnibus K² and its p-value, skewness and (non-excess) kurtosis, Jarque–Bera and its
/// p-value, Durbin–Watson.
/// </summary>
/// <param name="Omnibus">K² = Z(√b₁)² + Z(b₂)² (D'Agostino 1970; Anscombe and Glynn 1983; D'Agostino and Pearson 1973).</param>
/// <param name="OmnibusPValue">P(χ²₂ ≥ K²).</param>
/// <param name="Skew">Sample skewness m₃ / m₂^{3/2} (moments about the mean, divided by n).</param>
/// <param name="Kurtosis">Sample kurtosis m₄ / m₂² (3 for the normal).</param>
/// <param name="JarqueBera">n/6 (skew² + (kurtosis − 3)²/4).</param>
/// <param name="JarqueBeraPValue">P(χ²₂ ≥ JB).</param>
/// <param name="DurbinWatson">Σ (eᵢ − eᵢ₋₁)² / Σ eᵢ².</param>
public sealed record ResidualDiagnostics(
    double Omnibus, double OmnibusPValue, double Skew, double Kurtosis,
    double JarqueBera, double JarqueBeraPValue, double DurbinWatson)
{
    /// <summary>Computes the diagnostics of residuals e with optional weights (uses √wᵢ eᵢ, rows with wᵢ = 0 excluded).</summary>
    public static ResidualDiagnostics Compute(ReadOnlySpan<double> residuals, ReadOnlySpan<double> weights = default)
    {
        var e = new List<double>(residuals.Length);
        for (int i = 0; i < residuals.Length; i++)
        {
            if (weights.IsEmpty) e.Add(residuals[i]);
            else if (weights[i] > 0) e.Add(Math.Sqrt(weights[i]) * residuals[i]);
        }
        int n = e.Count;
        double mean = 0;
        foreach (double v in e) mean += v;
        mean /= n;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (double v in e)
        {
            double d = v - mean, d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        m2 /= n;
        m3 /= n;
        m4 /= n;
        double skew = m3 / Math.Pow(m2, 1.5);
        double kurt = m4 / (m2 * m2);
        double zs = SkewnessZ(skew, n);
        double zk = KurtosisZ(kurt, n);
        double k2 = zs * zs + zk * zk;
        double jb = n / 6.0 * (skew * skew + (kurt - 3) * (kurt - 3) / 4);
        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
        {
            den += e[i] * e[i];
            if (i > 0)
            {
                double d = e[i] - e[i - 1];
                num += d * d;
            }
        }
        return new ResidualDiagnostics(
            k2, Probability.ChiSquaredUpper(k2, 2), skew, kurt, jb, Probability.ChiSquaredUpper(jb, 2), num / den);
    }

    /// <summary>D'Agostino's normal approximation of the skewness test (needs n ≥ 8).</summary>
    internal static double SkewnessZ(double b1, int n)
    {
        if (n < 8) return double.NaN;
        double y = b1 * Math.Sqrt((n + 1.0) * (n + 3) / (6.0 * (n - 2)));
        double beta2 = 3.0 * ((double)n * n + 27.0 * n - 70) * (n + 1) * (n + 3)
            / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9));
        double w2 = -1 + Math.Sqrt(2 * (beta2 - 1));
        double delta = 1 / Math.Sqrt(0.5 * Math.Log(w2));
        double alpha = Math.Sqrt(2.0 / (w2 - 1));
        if (y == 0) y = 1;
        double ya = y / alpha;
        return delta * Math.Log(ya + Math.Sqrt(ya * ya + 1));
    }

    /// <summary>Anscombe and Glynn's normal approximation of the kurtosis test (needs n ≥ 5).</summary>
    internal static double KurtosisZ(double b2, int n)
    {
        if (n < 5) return double.NaN;
        double nn = n;
        double e = 3.0 * (nn - 1) / (nn + 1);
        double varb2 = 24.0 * nn * (nn - 2) * (nn - 3) / ((nn + 1) * (nn + 1) * (nn + 3) * (nn + 5));
        double x = (b2 - e) / Math.Sqrt(varb2);
        double sqrtBeta1 = 6.0 * (nn * nn - 5 * nn + 2) / ((nn + 7) * (nn + 9))
            * Math.Sqrt(6.0 * (nn + 3) * (nn + 5) / (nn * (nn - 2) * (nn - 3)));
        double a = 6.0 + 8.0 / sqrtBeta1 * (2.0 / sqrtBeta1 + Math.Sqrt(1 + 4.0 / (sqrtBeta1 * sqrtBeta1)));
        double term1 = 1 - 2 / (9.0 * a);
        double denom = 1 + x * Math.Sqrt(2 / (a - 4.0));
        if (denom == 0) return double.NaN;
        double term2 = Math.Sign(denom) * Math.Cbrt((1 - 2.0 / a) / Math.Abs(denom));
        return (term1 - term2) / Math.Sqrt(2 / (9.0 * a));
    }
}
