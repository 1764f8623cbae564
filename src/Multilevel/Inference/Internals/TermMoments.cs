using Multilevel.Design;

namespace Multilevel.Inference.Internals;

/// <summary>
/// The second moments M = (1/n) Σᵢ zᵢ zᵢᵀ of a random-effects term's per-row values, so that the mean variance the
/// term adds to an observation, (1/n) Σᵢ zᵢᵀ Σ zᵢ, is tr(Σ M) — computed once, then O(q²) for any Σ (the bootstrap
/// evaluates it for every replicate).
/// </summary>
internal sealed class TermMoments
{
    private readonly double[] _m;
    private readonly int _q;

    private TermMoments(double[] m, int q)
    {
        _m = m;
        _q = q;
    }

    /// <summary>The moments of each term; <paramref name="columns"/> (per term, per column) marks the columns that count (null: all).</summary>
    public static TermMoments[] Compute(ModelDesign design, bool[][]? columns = null)
    {
        int n = design.Observations;
        var result = new TermMoments[design.RandomEffects.Count];
        for (int k = 0; k < result.Length; k++)
        {
            var term = design.RandomEffects[k];
            int q = term.Q;
            var z = term.Z;
            var m = new double[q * q];
            var keep = columns?[k];
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < q; c++)
                {
                    double zc = z[i * q + c];
                    for (int r = 0; r < q; r++) m[c * q + r] += z[i * q + r] * zc;
                }
            }
            for (int e = 0; e < m.Length; e++) m[e] /= n;
            result[k] = FromMean(m, q, keep);
        }
        return result;
    }

    /// <summary>The moments from (1/n) Σᵢ zᵢ zᵢᵀ already summed (a fit from sums); <paramref name="keep"/> as in <see cref="Compute"/>.</summary>
    public static TermMoments FromMean(double[] mean, int q, bool[]? keep)
    {
        var m = (double[])mean.Clone();
        if (keep is not null)
        {
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    if (!keep[c] || !keep[r]) m[c * q + r] = 0;
                }
            }
        }
        return new TermMoments(m, q);
    }

    /// <summary>tr(Σ M) for a q × q column-major Σ.</summary>
    public double MeanQuadraticForm(ReadOnlySpan<double> sigma)
    {
        double s = 0;
        for (int e = 0; e < _q * _q; e++) s += sigma[e] * _m[e];
        return s;
    }
}
