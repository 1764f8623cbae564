using Multilevel.Design;

namespace Multilevel.Models.Internals;

/// <summary>
/// What the variance decomposition reads from the rows, taken from the sums of a fit without rows (a database or a
/// stream): per random-effects term the mean of z zᵀ over the rows, XᵀX, and the column sums of X. Kept by a fit
/// from sums so that ICC and R² need no pass over the data. Null for weighted sums (they hold Σ w z zᵀ, not Σ z zᵀ).
/// </summary>
/// <param name="Terms">The terms, by their names and level counts only (lme4's order).</param>
/// <param name="TermMeans">Per term, (1/n) Σᵢ zᵢ zᵢᵀ (q × q, column-major).</param>
/// <param name="CrossProducts">XᵀX (p × p, column-major).</param>
/// <param name="ColumnSums">Σᵢ xᵢ, from the intercept column of X or the intercept of a random-effects term;
/// null when the model has neither.</param>
/// <param name="Observations">n.</param>
internal sealed record SumsMoments(IReadOnlyList<ReTerm> Terms, double[][] TermMeans, double[] CrossProducts, double[]? ColumnSums, long Observations)
{
    /// <summary>The moments of a Gram matrix of unweighted sums whose X columns are <paramref name="fixedNames"/>.</summary>
    public static SumsMoments? From(GramMatrix gram, IReadOnlyList<ReTerm> terms, IReadOnlyList<string> fixedNames, bool weighted)
    {
        var layout = gram.Layout;
        int k = layout.TermCount, p = layout.FixedEffectCount, p1 = p + 1;
        long n = gram.Observations;
        if (weighted || n == 0 || p != fixedNames.Count || terms.Count != k) return null;
        var means = new double[k][];
        for (int t = 0; t < k; t++)
        {
            var d = (BlockDiagonalBlock)gram[t, t];
            int qq = d.Q * d.Q;
            var m = new double[qq];
            for (int g = 0; g < d.Levels; g++)
            {
                for (int e = 0; e < qq; e++) m[e] += d.Values[g * qq + e];
            }
            for (int e = 0; e < qq; e++) m[e] /= n;
            means[t] = m;
        }
        var xy = (DenseBlock)gram[k, k];
        var xtx = new double[p * p];
        for (int c = 0; c < p; c++)
        {
            for (int r = 0; r < p; r++) xtx[c * p + r] = xy[r, c];
        }
        double[]? sums = null;
        int intercept = IndexOf(fixedNames, "(Intercept)");
        if (intercept >= 0)
        {
            sums = new double[p];
            for (int j = 0; j < p; j++) sums[j] = xy[j, intercept];
        }
        else
        {
            for (int t = 0; t < k && sums is null; t++)
            {
                int c = IndexOf(terms[t].ColumnNames, "(Intercept)");
                if (c < 0) continue;
                // Σ over the levels of Σ_rows x zᵀ at the term's intercept column: Σ_rows x
                var xz = (DenseBlock)gram[k, t];
                int q = terms[t].Q;
                sums = new double[p];
                for (int g = 0; g < terms[t].LevelCount; g++)
                {
                    for (int j = 0; j < p; j++) sums[j] += xz[j, g * q + c];
                }
            }
        }
        return new SumsMoments(terms, means, xtx, sums, n);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        return -1;
    }
}
