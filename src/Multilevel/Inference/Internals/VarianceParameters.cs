using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Inference.Internals;

/// <summary>
/// The variance parameters of a linear mixed model on lme4's standard-deviation / correlation scale (lme4's
/// <c>Cv_to_Sv</c> and <c>Sv_to_Cv</c>): for each term, in θ's order (lower triangle of λ, column by column), the
/// standard deviation of a column (diagonal positions) or the correlation of two columns (off-diagonal
/// positions), then σ. Names as lme4's <c>oldNames = FALSE</c>: <c>sd_(Intercept)|Subject</c>,
/// <c>cor_Days.(Intercept)|Subject</c>, <c>sigma</c>.
/// </summary>
internal sealed class VarianceParameters
{
    private readonly ThetaMap _map;

    public VarianceParameters(IReadOnlyList<ReTerm> terms)
    {
        _map = new ThetaMap([.. terms.Select(t => t.Q)]);
        var names = new List<string>();
        var isCorrelation = new List<bool>();
        foreach (var term in terms)
        {
            var cols = term.ColumnNames;
            for (int c = 0; c < term.Q; c++)
            {
                for (int r = c; r < term.Q; r++)
                {
                    names.Add(r == c ? $"sd_{cols[r]}|{term.GroupName}" : $"cor_{cols[r]}.{cols[c]}|{term.GroupName}");
                    isCorrelation.Add(r != c);
                }
            }
        }
        names.Add("sigma");
        isCorrelation.Add(false);
        Names = [.. names];
        IsCorrelation = [.. isCorrelation];
    }

    /// <summary>Number of elements of θ (the vector on the sd/cor scale has one more: σ).</summary>
    public int ThetaCount => _map.Count;

    /// <summary>Parameter names, σ last.</summary>
    public string[] Names { get; }

    /// <summary>True at the positions of correlations.</summary>
    public bool[] IsCorrelation { get; }

    /// <summary>Lower bounds on the sd/cor scale: 0 for standard deviations and σ, −1 for correlations.</summary>
    public double[] Lower => [.. IsCorrelation.Select(c => c ? -1.0 : 0.0)];

    /// <summary>Upper bounds on the sd/cor scale: +∞ for standard deviations and σ, 1 for correlations.</summary>
    public double[] Upper => [.. IsCorrelation.Select(c => c ? 1.0 : double.PositiveInfinity)];

    /// <summary>(θ, σ) → (sd/cor…, σ).</summary>
    public double[] FromTheta(ReadOnlySpan<double> theta, double sigma)
    {
        var result = new double[_map.Count + 1];
        for (int k = 0; k < _map.TermCount; k++)
        {
            int q = _map.Q(k);
            var lambda = new double[q * q];
            _map.FillLambda(k, theta, lambda);
            // S = λ λᵀ (relative covariance)
            var s = new double[q * q];
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double v = 0;
                    for (int t = 0; t <= Math.Min(r, c); t++) v += lambda[t * q + r] * lambda[t * q + c];
                    s[c * q + r] = v;
                }
            }
            int o = _map.Offset(k);
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++, o++)
                {
                    if (r == c)
                    {
                        result[o] = sigma * Math.Sqrt(s[c * q + c]);
                    }
                    else
                    {
                        double d = Math.Sqrt(s[c * q + c] * s[r * q + r]);
                        result[o] = d > 0 ? s[c * q + r] / d : 0.0;
                    }
                }
            }
        }
        result[^1] = sigma;
        return result;
    }

    /// <summary>
    /// (sd/cor…, σ) → θ. False when a term's correlation matrix is not positive semi-definite (no θ gives it) or σ
    /// is not positive.
    /// </summary>
    public bool TryToTheta(ReadOnlySpan<double> parameters, Span<double> theta)
    {
        double sigma = parameters[^1];
        if (!(sigma > 0) || double.IsInfinity(sigma)) return false;
        for (int k = 0; k < _map.TermCount; k++)
        {
            int q = _map.Q(k);
            int o = _map.Offset(k);
            var sd = new double[q];
            var corr = new double[q * q];
            int t = o;
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++, t++)
                {
                    if (r == c)
                    {
                        sd[c] = parameters[t];
                        corr[c * q + c] = 1.0;
                    }
                    else
                    {
                        corr[c * q + r] = parameters[t];
                        corr[r * q + c] = parameters[t];
                    }
                }
            }
            // Cholesky of the correlation matrix (lower), tolerating a zero pivot (a correlation of ±1)
            var chol = new double[q * q];
            for (int j = 0; j < q; j++)
            {
                double d = corr[j * q + j];
                for (int m = 0; m < j; m++) d -= chol[m * q + j] * chol[m * q + j];
                if (d < -1e-12) return false;
                double ljj = Math.Sqrt(Math.Max(d, 0.0));
                chol[j * q + j] = ljj;
                for (int i = j + 1; i < q; i++)
                {
                    double s = corr[j * q + i];
                    for (int m = 0; m < j; m++) s -= chol[m * q + i] * chol[m * q + j];
                    if (ljj > 0)
                    {
                        chol[j * q + i] = s / ljj;
                    }
                    else
                    {
                        if (Math.Abs(s) > 1e-12) return false;
                        chol[j * q + i] = 0.0;
                    }
                }
            }
            t = o;
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++, t++)
                {
                    if (sd[r] < 0 || double.IsNaN(sd[r])) return false;
                    theta[t] = sd[r] * chol[c * q + r] / sigma;
                }
            }
        }
        return true;
    }
}
