using Multilevel.Design;
using Multilevel.Models.Internals;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// Adaptive Gauss–Hermite quadrature of the marginal likelihood of a GLMM with one random-effects term (one
/// grouping factor), scalar or vector. Given the conditional modes ũ_g from PIRLS and the q × q Cholesky
/// factor L_g of the conditional precision of each group (its block of L_Z, which is block diagonal for one
/// factor), the integral over u_g ~ N(0, I_q) is taken on the product grid u = ũ_g + L_g⁻ᵀ t,
/// t = (t₁, …, t_q) ∈ nodes^q of the K-point rule:
/// <code>
///   −2 log ∫ exp(−½ D_g(u)) du / (2π)^{q/2}
///     ≈ log|L_g|² + D_g(ũ_g) − 2 log Σ_t W_t exp(−½ (D_g(ũ_g + L_g⁻ᵀ t) − D_g(ũ_g)) + ½ ‖t‖²),
/// </code>
/// with D_g(u) = Σ_{i∈g} devᵢ + ‖u‖² and W_t the product of the node weights. Adding the constant C of
/// −2 log p(y|μ) gives −2 log-likelihood on the same scale as the Laplace approximation, which it equals for
/// K = 1 (the single node t = 0). lme4 adapts this way for scalar terms only.
/// </summary>
internal sealed class AdaptiveQuadrature
{
    private readonly GlmmRows _rows;
    private readonly ReTerm _term;
    private readonly int[] _levelStart;
    private readonly int[] _levelRows;
    private readonly Dictionary<int, (double[] T, double[] W, int Zero)> _grids = [];

    public AdaptiveQuadrature(GlmmRows rows, ReTerm term)
    {
        _rows = rows;
        _term = term;
        int levels = term.LevelCount;
        _levelStart = new int[levels + 1];
        var codes = term.UnsafeCodes;
        var wt = rows.Weights;
        for (int i = 0; i < codes.Length; i++)
        {
            if (wt[i] > 0) _levelStart[codes[i] + 1]++;
        }
        for (int g = 0; g < levels; g++) _levelStart[g + 1] += _levelStart[g];
        _levelRows = new int[_levelStart[levels]];
        var fill = (int[])_levelStart[..levels].Clone();
        for (int i = 0; i < codes.Length; i++)
        {
            if (wt[i] > 0) _levelRows[fill[codes[i]]++] = i;
        }
    }

    /// <summary>Largest number of grid points K^q allowed.</summary>
    public const int MaxGridPoints = 1_000_000;

    /// <summary>−2 log-likelihood by AGQ with K nodes per dimension, at the modes held by <paramref name="pirls"/> (β fixed, one term).</summary>
    public double Deviance(Pirls pirls, int k)
    {
        int q = _term.Q;
        var (grid, weights, zero) = Grid(k, q);
        int points = weights.Length;
        var lam = pirls.Lambda(0);
        var l = (BlockDiagonalBlock)pirls.Factor[0, 0];
        var u = pirls.U[0];
        var eta = pirls.Eta;
        var z = _term.UnsafeZ;
        int qq = q * q;
        var m = new double[qq];
        var v = new double[q];
        var shift = new double[q];
        int maxRows = 0;
        for (int g = 0; g < _term.LevelCount; g++) maxRows = Math.Max(maxRows, _levelStart[g + 1] - _levelStart[g]);
        var a = new double[maxRows * q];
        double total = _rows.Constant;
        for (int g = 0; g < _term.LevelCount; g++)
        {
            var lg = l.Values.AsSpan(g * qq, qq);
            double logDet = 0;
            for (int r = 0; r < q; r++) logDet += Math.Log(lg[r * q + r]);
            logDet *= 2;
            int r0 = _levelStart[g], r1 = _levelStart[g + 1];
            var ug = u.AsSpan(g * q, q);
            double d0 = 0;
            for (int x = r0; x < r1; x++)
            {
                int i = _levelRows[x];
                d0 += _rows.UnitDeviance(i, eta[i]);
            }
            for (int c = 0; c < q; c++) d0 += ug[c] * ug[c];
            // M = Λ L_g⁻ᵀ (column c: Λ v with L_gᵀ v = e_c); a_i = Mᵀ z_i.
            for (int c = 0; c < q; c++)
            {
                Array.Clear(v);
                v[c] = 1;
                Numerics.DenseKernels.SolveLowerTranspose(q, lg, q, v);
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int t = 0; t <= r; t++) s += lam[t * q + r] * v[t];
                    m[c * q + r] = s;
                }
            }
            for (int x = r0; x < r1; x++)
            {
                int i = _levelRows[x];
                for (int c = 0; c < q; c++)
                {
                    double s = 0;
                    for (int r = 0; r < q; r++) s += m[c * q + r] * z[i * q + r];
                    a[(x - r0) * q + c] = s;
                }
            }
            double sum = 0;
            for (int p = 0; p < points; p++)
            {
                if (p == zero)
                {
                    sum += weights[p];
                    continue;
                }
                var t = grid.AsSpan(p * q, q);
                t.CopyTo(shift);
                Numerics.DenseKernels.SolveLowerTranspose(q, lg, q, shift);
                double d = 0, tt = 0;
                for (int c = 0; c < q; c++)
                {
                    double uc = ug[c] + shift[c];
                    d += uc * uc;
                    tt += t[c] * t[c];
                }
                for (int x = r0; x < r1; x++)
                {
                    int i = _levelRows[x];
                    double e = eta[i];
                    var ai = a.AsSpan((x - r0) * q, q);
                    for (int c = 0; c < q; c++) e += ai[c] * t[c];
                    d += _rows.UnitDeviance(i, e);
                }
                sum += weights[p] * Math.Exp(-0.5 * (d - d0) + 0.5 * tt);
            }
            total += logDet + d0 - 2 * Math.Log(sum);
        }
        return total;
    }

    /// <summary>The product grid nodes^q (row-major points × q), its weights and the index of the origin (−1 if none).</summary>
    private (double[] T, double[] W, int Zero) Grid(int k, int q)
    {
        if (_grids.TryGetValue(k, out var cached)) return cached;
        var rule = GaussHermiteRule.Create(k);
        long count = 1;
        for (int c = 0; c < q; c++) count *= k;
        if (count > MaxGridPoints)
        {
            throw new ModelSpecificationException(
                $"adaptive quadrature with {k} nodes in each of {q} dimensions needs {count:N0} grid points per group (limit {MaxGridPoints:N0}): use fewer nodes (nAGQ) or the Laplace approximation (nAGQ = 1)");
        }
        var t = new double[count * q];
        var w = new double[count];
        int zero = -1;
        var index = new int[q];
        for (int p = 0; p < count; p++)
        {
            double wp = 1;
            bool origin = true;
            for (int c = 0; c < q; c++)
            {
                double node = rule.Nodes[index[c]];
                t[p * q + c] = node;
                wp *= rule.Weights[index[c]];
                if (node != 0) origin = false;
            }
            w[p] = wp;
            if (origin) zero = p;
            for (int c = q - 1; c >= 0; c--)
            {
                if (++index[c] < k) break;
                index[c] = 0;
            }
        }
        var result = (t, w, zero);
        _grids[k] = result;
        return result;
    }
}
