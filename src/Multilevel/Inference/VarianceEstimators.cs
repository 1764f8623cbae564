using Multilevel.Models.Linear;

namespace Multilevel.Inference;

/// <summary>A grouping of the observations of a fit for cluster-robust variances: per observation (in the
/// fit's row order) a 0-based cluster code.</summary>
/// <param name="Name">Name of the cluster variable as the user wrote it.</param>
/// <param name="Codes">Cluster code per observation, ≥ 0.</param>
public sealed record ClusterVariable(string Name, int[] Codes)
{
    /// <summary>Number of distinct clusters.</summary>
    public int Count => Codes.Distinct().Count();
}

/// <summary>
/// The covariance matrix of the coefficients of a fit under one variance estimator, with the degrees of
/// freedom its t tests use.
/// </summary>
/// <param name="Type">As the JSON contract names it: <c>iid</c>, <c>HC1</c>, <c>CR1(g)</c>, <c>CR1(g,h)</c>.</param>
/// <param name="Matrix">Column-major p × p covariance.</param>
/// <param name="Size">p.</param>
/// <param name="DegreesOfFreedom">Degrees of freedom of the t distribution for tests and intervals
/// (∞ for z tests).</param>
/// <param name="ClusterCounts">Number of clusters per cluster variable (cluster-robust types).</param>
/// <param name="Notes">Remarks (e.g. a two-way matrix that was not positive semi-definite).</param>
public sealed record CoefficientCovariance(
    string Type, double[] Matrix, int Size, double DegreesOfFreedom,
    IReadOnlyList<int>? ClusterCounts = null, IReadOnlyList<string>? Notes = null)
{
    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => Matrix[j * Size + i];

    /// <summary>Standard errors √diag.</summary>
    public double[] StandardErrors()
    {
        var se = new double[Size];
        for (int j = 0; j < Size; j++) se[j] = Math.Sqrt(Matrix[j * Size + j]);
        return se;
    }
}

/// <summary>
/// Variance estimators for least-squares fits, each a pure function of a <see cref="LinearModelFit"/>
/// (switching estimator needs no refit).
/// </summary>
/// <remarks>
/// Notation: X̃ the n × p regressors of the final least-squares step (within-transformed for absorbed
/// fixed effects), W the prior weights, e the residuals, B = (X̃ᵀWX̃)⁻¹ (the fit's unscaled covariance),
/// sᵢ = wᵢ eᵢ x̃ᵢ the score of observation i, K = p + the absorbed fixed-effect parameters counted.
/// <list type="bullet">
/// <item><c>iid</c>: V = σ̂² B with σ̂² = Σ wᵢeᵢ² / (n − K); t on n − K df (R's <c>vcov.lm</c>).</item>
/// <item><c>HC1</c>: V = n/(n − K) · B (Σᵢ sᵢsᵢᵀ) B; t on n − K df (<c>sandwich::vcovHC(type = "HC1")</c>;
/// fixest's "hetero").</item>
/// <item><c>CR1(g)</c>: V = G/(G − 1) · (n − 1)/(n − K_g) · B (Σ_c S_c S_cᵀ) B, S_c = Σ_{i ∈ c} sᵢ over the G
/// clusters; t on G − 1 df (<c>sandwich::vcovCL(type = "HC1")</c>, Stata, fixest). Absorbed factors
/// nested in the cluster variable (every level inside one cluster) are not counted in K_g, as fixest's
/// default <c>fixef.K = "nested"</c>.</item>
/// <item><c>CR1(g,h)</c> (Cameron, Gelbach and Miller 2011): V = (n − 1)/(n − K) · B [a_g M_g + a_h M_h −
/// a_gh M_gh] B, with M the cluster meat of g, of h and of the intersection g∩h and a = G/(G − 1) with
/// each dimension's own number of clusters (sandwich's <c>vcovCL</c> convention); factors nested in g or h
/// are not counted in K; t on min(G_g, G_h) − 1 df.</item>
/// </list>
/// </remarks>
public static class VarianceEstimators
{
    /// <summary>Classical covariance σ̂² (X̃ᵀWX̃)⁻¹.</summary>
    public static CoefficientCovariance Iid(LinearModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        int p = fit.Rank;
        double s2 = fit.ResidualSumOfSquares / fit.ResidualDf;
        var v = new double[p * p];
        for (int k = 0; k < v.Length; k++) v[k] = s2 * fit.UnscaledCovariance[k];
        return new CoefficientCovariance("iid", v, p, fit.ResidualDf);
    }

    /// <summary>Heteroskedasticity-consistent HC1: n/(n − K) B (Σ sᵢsᵢᵀ) B.</summary>
    public static CoefficientCovariance HC1(LinearModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        int p = fit.Rank, n = fit.Residuals.Length;
        var meat = new double[p * p];
        var s = new double[p];
        for (int i = 0; i < n; i++)
        {
            double f = Score(fit, i);
            if (f == 0) continue;
            for (int j = 0; j < p; j++) s[j] = fit.Regressors[(long)j * n + i] * f;
            AddOuter(meat, s, p);
        }
        int K = fit.Rank + fit.AbsorbedParameters;
        double adj = fit.Observations / (double)(fit.Observations - K);
        var v = Sandwich(fit.UnscaledCovariance, meat, p, adj);
        return new CoefficientCovariance("HC1", v, p, fit.ResidualDf);
    }

    /// <summary>Cluster-robust CR1, one-way (one variable) or two-way (two variables).</summary>
    public static CoefficientCovariance ClusterRobust(LinearModelFit fit, IReadOnlyList<ClusterVariable> clusters)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count is < 1 or > 2)
        {
            throw new ModelSpecificationException($"cluster-robust variances take one or two cluster variables, not {clusters.Count}");
        }
        int n = fit.Residuals.Length, p = fit.Rank;
        foreach (var c in clusters)
        {
            if (c.Codes.Length != n)
            {
                throw new ModelSpecificationException($"cluster variable '{c.Name}' has {c.Codes.Length} values for {n} observations");
            }
            if (c.Codes.Any(code => code < 0))
            {
                throw new ModelSpecificationException($"cluster variable '{c.Name}' is missing for some observations of the fit");
            }
        }
        // Fixed-effect parameters of factors nested in a cluster variable are not counted (fixest "nested").
        int absorbedCounted = fit.AbsorbedParameters;
        var notes = new List<string>();
        if (fit.Absorbed is { } abs)
        {
            for (int f = 0; f < abs.Factors.Count; f++)
            {
                var factor = abs.Factors[f];
                var nestedIn = clusters.FirstOrDefault(c => IsNested(factor.Codes, factor.Levels.Count, c.Codes));
                if (nestedIn is not null)
                {
                    absorbedCounted -= abs.ParametersPerFactor[f];
                    notes.Add($"fixed effect '{factor.Name}' is nested in cluster '{nestedIn.Name}': its {abs.ParametersPerFactor[f]} parameters are not counted in the small-sample adjustment");
                }
            }
        }
        int K = p + absorbedCounted;
        double hc = (fit.Observations - 1.0) / (fit.Observations - K);

        if (clusters.Count == 1)
        {
            var c = clusters[0];
            var (meat, g) = ClusterMeat(fit, c.Codes);
            var v = Sandwich(fit.UnscaledCovariance, meat, p, hc * g / (g - 1.0));
            return new CoefficientCovariance($"CR1({c.Name})", v, p, g - 1, [g], notes);
        }
        var a = clusters[0];
        var b = clusters[1];
        var (ma, ga) = ClusterMeat(fit, a.Codes);
        var (mb, gb) = ClusterMeat(fit, b.Codes);
        var inter = Intersect(a.Codes, b.Codes);
        var (mab, gab) = ClusterMeat(fit, inter);
        var combined = new double[p * p];
        for (int k = 0; k < combined.Length; k++)
        {
            combined[k] = ga / (ga - 1.0) * ma[k] + gb / (gb - 1.0) * mb[k] - (gab > 1 ? gab / (gab - 1.0) : 1.0) * mab[k];
        }
        var vv = Sandwich(fit.UnscaledCovariance, combined, p, hc);
        for (int j = 0; j < p; j++)
        {
            if (!(vv[j * p + j] > 0))
            {
                notes.Add($"two-way cluster variance of '{fit.CoefficientNames[j]}' is not positive ({vv[j * p + j]:G4}): the matrix is not positive semi-definite");
            }
        }
        return new CoefficientCovariance($"CR1({a.Name},{b.Name})", vv, p, Math.Min(ga, gb) - 1, [ga, gb], notes);
    }

    /// <summary>wᵢ eᵢ: the factor multiplying x̃ᵢ in the score of observation i.</summary>
    private static double Score(LinearModelFit fit, int i) =>
        fit.Weights is null ? fit.Residuals[i] : fit.Weights[i] * fit.Residuals[i];

    private static (double[] Meat, int Clusters) ClusterMeat(LinearModelFit fit, int[] codes)
    {
        int n = fit.Residuals.Length, p = fit.Rank;
        int levels = codes.Length == 0 ? 0 : codes.Max() + 1;
        var sums = new double[(long)levels * p];
        var present = new bool[levels];
        for (int j = 0; j < p; j++)
        {
            var col = fit.Regressors.AsSpan(j * n, n);
            for (int i = 0; i < n; i++)
            {
                sums[(long)codes[i] * p + j] += col[i] * Score(fit, i);
            }
        }
        foreach (int c in codes) present[c] = true;
        var meat = new double[p * p];
        int g = 0;
        for (int c = 0; c < levels; c++)
        {
            if (!present[c]) continue;
            g++;
            AddOuter(meat, sums.AsSpan(c * p, p), p);
        }
        return (meat, g);
    }

    private static int[] Intersect(int[] a, int[] b)
    {
        var map = new Dictionary<(int, int), int>();
        var codes = new int[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            if (!map.TryGetValue((a[i], b[i]), out int c))
            {
                c = map.Count;
                map.Add((a[i], b[i]), c);
            }
            codes[i] = c;
        }
        return codes;
    }

    /// <summary>True when every level of the factor occurs in only one cluster.</summary>
    internal static bool IsNested(int[] factorCodes, int levels, int[] clusterCodes)
    {
        var clusterOf = new int[levels];
        Array.Fill(clusterOf, -1);
        for (int i = 0; i < factorCodes.Length; i++)
        {
            int f = factorCodes[i];
            if (clusterOf[f] < 0) clusterOf[f] = clusterCodes[i];
            else if (clusterOf[f] != clusterCodes[i]) return false;
        }
        return true;
    }

    private static void AddOuter(double[] m, ReadOnlySpan<double> s, int p)
    {
        for (int j = 0; j < p; j++)
        {
            double sj = s[j];
            if (sj == 0) continue;
            for (int i = 0; i < p; i++) m[j * p + i] += s[i] * sj;
        }
    }

    /// <summary>scale · B M B for symmetric B and M (column-major p × p).</summary>
    private static double[] Sandwich(double[] bread, double[] meat, int p, double scale)
    {
        var t = new double[p * p];
        for (int j = 0; j < p; j++)
            for (int k = 0; k < p; k++)
            {
                double mkj = meat[j * p + k];
                if (mkj == 0) continue;
                for (int i = 0; i < p; i++) t[j * p + i] += bread[k * p + i] * mkj;
            }
        var v = new double[p * p];
        for (int j = 0; j < p; j++)
            for (int k = 0; k < p; k++)
            {
                double bkj = bread[j * p + k];
                for (int i = 0; i < p; i++) v[j * p + i] += t[k * p + i] * bkj;
            }
        for (int j = 0; j < p; j++)
            for (int i = 0; i < j; i++)
            {
                double avg = 0.5 * (v[j * p + i] + v[i * p + j]) * scale;
                v[j * p + i] = avg;
                v[i * p + j] = avg;
            }
        for (int j = 0; j < p; j++) v[j * p + j] *= scale;
        return v;
    }
}
