namespace Multilevel.Models.Internals;

/// <summary>
/// R's rank decision for the fixed-effects columns (<c>qr(X, tol)</c>, LINPACK <c>dqrdc2</c>) taken on XᵀX instead of
/// X, for designs whose rows are not at hand: column l is aliased when its norm orthogonal to the columns accepted
/// before it falls below tol × its own norm. On the Gram matrix that norm is √(XᵀX_ll − ‖r_l‖²), where r_l holds the
/// entries of column l in the Cholesky factor of the accepted columns — the same quantity dqrdc2 downdates, so the
/// decisions agree with R's except for columns within rounding of the threshold (the Gram squares the condition number:
/// a column whose orthogonal part is below about 1e-8 of its norm cannot be told from an exact alias).
/// </summary>
internal static class GramAliasing
{
    /// <summary>Indices (0-based, increasing) of the columns of X that are aliased.</summary>
    public static int[] AliasedColumns(GramMatrix gram, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(gram);
        int p = gram.Layout.FixedEffectCount;
        int k = gram.Layout.TermCount;
        var xy = (DenseBlock)gram[k, k];
        var accepted = new List<int>();
        var r = new double[p * p]; // column-major upper factor of the accepted columns: r[j·p + i], i accepted row
        var aliased = new List<int>();
        for (int l = 0; l < p; l++)
        {
            double g = xy[l, l];
            double norm = Math.Sqrt(Math.Max(g, 0));
            double yardstick = norm == 0 ? 1 : norm;
            double s = g;
            foreach (int i in accepted) s -= r[l * p + i] * r[l * p + i];
            double remaining = Math.Sqrt(Math.Max(s, 0));
            if (remaining < yardstick * tolerance || remaining == 0)
            {
                aliased.Add(l);
                continue;
            }
            r[l * p + l] = remaining;
            // entries of the later columns in row l of the factor
            for (int j = l + 1; j < p; j++)
            {
                double t = xy[l, j];
                foreach (int i in accepted) t -= r[l * p + i] * r[j * p + i];
                r[j * p + l] = t / remaining;
            }
            accepted.Add(l);
        }
        return [.. aliased];
    }

    /// <summary>The Gram matrix without the given columns of X (the blocks of the random-effects terms are shared).</summary>
    public static GramMatrix WithoutFixedColumns(GramMatrix gram, IReadOnlyCollection<int> drop)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(drop);
        if (drop.Count == 0) return gram;
        var layout = gram.Layout;
        int k = layout.TermCount;
        int p1 = layout.FixedEffectCount + 1;
        var dropSet = new HashSet<int>(drop);
        int[] keep = [.. Enumerable.Range(0, p1).Where(i => !dropSet.Contains(i))];
        if (keep[^1] != p1 - 1) throw new ArgumentException("the response column cannot be dropped", nameof(drop));
        int m = keep.Length;
        var reduced = new GramLayout(layout.Terms, m - 1);
        int nb = k + 1;
        var blocks = new Block[nb * (nb + 1) / 2];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++) blocks[GramMatrix.Index(i, j)] = gram[i, j];
            var full = (DenseBlock)gram[k, i];
            var block = new DenseBlock(m, full.Columns);
            for (int c = 0; c < full.Columns; c++)
            {
                for (int a = 0; a < m; a++) block[a, c] = full[keep[a], c];
            }
            blocks[GramMatrix.Index(k, i)] = block;
        }
        var last = (DenseBlock)gram[k, k];
        var lastReduced = new DenseBlock(m, m);
        for (int c = 0; c < m; c++)
        {
            for (int a = 0; a < m; a++) lastReduced[a, c] = last[keep[a], keep[c]];
        }
        blocks[GramMatrix.Index(k, k)] = lastReduced;
        return new GramMatrix(reduced, blocks, gram.Observations, gram.SumLogWeights);
    }
}
