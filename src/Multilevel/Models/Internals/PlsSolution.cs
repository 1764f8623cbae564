using Multilevel.Numerics;

namespace Multilevel.Models.Internals;

/// <summary>
/// The solution of the penalised least-squares problem at θ, read off a factored <see cref="BlockedFactor"/>:
/// β̂ = R_X⁻¹ c_X, spherical modes u = L_Z⁻ᵀ (c_Z − L_XZᵀ β̂), b = Λ u, (R_XᵀR_X)⁻¹, and the diagonal blocks of
/// (L_Z L_Zᵀ)⁻¹ for the conditional variances.
/// </summary>
internal static class PlsSolution
{
    /// <summary>β̂ from the [X y] diagonal block.</summary>
    public static double[] FixedEffects(BlockedFactor f, int p)
    {
        var lxx = XBlock(f, p);
        var beta = new double[p];
        for (int j = 0; j < p; j++) beta[j] = f.XyEntry(p, j);
        DenseKernels.SolveLowerTranspose(p, lxx, p, beta);
        return beta;
    }

    private static double[] XBlock(BlockedFactor f, int p)
    {
        var l = new double[p * p];
        for (int c = 0; c < p; c++)
        {
            for (int r = c; r < p; r++) l[c * p + r] = f.XyEntry(r, c);
        }
        return l;
    }

    /// <summary>Spherical random effects u per term (ℓ q values each, level-major).</summary>
    public static double[][] SphericalModes(BlockedFactor f, ReadOnlySpan<double> beta, GramLayout layout)
    {
        int k = f.TermCount;
        int p = beta.Length;
        var u = new double[k][];
        for (int j = 0; j < k; j++)
        {
            var r = new double[layout.Terms[j].Levels * layout.Terms[j].Q];
            for (int c = 0; c < r.Length; c++)
            {
                double s = f.XyRowEntry(j, p, c);
                for (int t = 0; t < p; t++) s -= f.XyRowEntry(j, t, c) * beta[t];
                r[c] = s;
            }
            u[j] = r;
        }
        f.SolveZTranspose(u);
        return u;
    }

    /// <summary>b = Λ u per term.</summary>
    public static double[][] ConditionalModes(BlockedFactor f, ThetaMap map, double[][] u)
    {
        var b = new double[u.Length][];
        for (int k = 0; k < u.Length; k++)
        {
            int q = map.Q(k);
            var lam = f.Lambda(k);
            var bk = new double[u[k].Length];
            int levels = bk.Length / q;
            for (int g = 0; g < levels; g++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int c = 0; c <= r; c++) s += lam[c * q + r] * u[k][g * q + c];
                    bk[g * q + r] = s;
                }
            }
            b[k] = bk;
        }
        return b;
    }

    /// <summary>(R_XᵀR_X)⁻¹ = L_XX⁻ᵀ L_XX⁻¹, p × p column-major.</summary>
    public static double[] UnscaledCovariance(BlockedFactor f, int p)
    {
        var lxx = XBlock(f, p);
        var result = new double[p * p];
        var e = new double[p];
        for (int j = 0; j < p; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            DenseKernels.SolveLower(p, lxx, p, e);
            DenseKernels.SolveLowerTranspose(p, lxx, p, e);
            for (int i = 0; i < p; i++) result[j * p + i] = e[i];
        }
        return result;
    }

    /// <summary>
    /// For term k, the q × q diagonal blocks (column-major, level after level) of (L_Z L_Zᵀ)⁻¹: column (k, g, s) of
    /// L_Z⁻¹ by a forward solve that starts at block k, then the Gram matrix of the q columns of level g.
    /// </summary>
    public static double[] InverseDiagonalBlocks(BlockedFactor f, ThetaMap map, GramLayout layout, int term)
    {
        int k = f.TermCount;
        int q = map.Q(term);
        int levels = layout.Terms[term].Levels;
        var result = new double[levels * q * q];
        var x = new double[k][];
        for (int i = 0; i < k; i++) x[i] = new double[layout.Terms[i].Levels * layout.Terms[i].Q];
        // Columns of the same level are solved together: x_s = L⁻¹ e_(g, s), kept for the Gram products.
        var stacked = new double[q][][];
        for (int g = 0; g < levels; g++)
        {
            for (int s = 0; s < q; s++)
            {
                for (int i = term; i < k; i++) Array.Clear(x[i]);
                x[term][g * q + s] = 1;
                f.SolveZ(x, term);
                stacked[s] = new double[k - term][];
                for (int i = term; i < k; i++) stacked[s][i - term] = (double[])x[i].Clone();
            }
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double sum = 0;
                    for (int i = 0; i < k - term; i++)
                    {
                        var a = stacked[r][i];
                        var b = stacked[c][i];
                        for (int t = 0; t < a.Length; t++) sum += a[t] * b[t];
                    }
                    result[g * q * q + c * q + r] = sum;
                }
            }
        }
        return result;
    }
}
