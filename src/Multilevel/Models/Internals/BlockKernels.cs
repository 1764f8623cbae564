using System.Runtime.CompilerServices;
using Multilevel.Numerics;

namespace Multilevel.Models.Internals;

/// <summary>
/// The operations of the blocked Cholesky factorisation, specialised per pair of block kinds. Every dense
/// operation goes through <see cref="DenseKernels"/>. A pair of kinds without a kernel fails loudly, naming both.
/// </summary>
internal static class BlockKernels
{
    /// <summary>Lower triangle of the diagonal block <paramref name="target"/> −= a · aᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SymmetricRankUpdate(Block target, Block a)
    {
        switch (target, a)
        {
            case (BlockDiagonalBlock t, SparseBlock s):
                BlockDiagonalMinusSparseSquare(t, s);
                break;
            case (DenseBlock t, SparseBlock s):
                DenseMinusSparseSquare(t, s);
                break;
            case (DenseBlock t, DenseBlock d) when d.Rows <= ThinRows:
                ThinSyrkLowerSubtract(d.Rows, d.Columns, d.Values, t.Values, t.Rows);
                break;
            case (DenseBlock t, DenseBlock d):
                DenseKernels.SyrkLowerSubtract(d.Rows, d.Columns, d.Values, d.Rows, t.Values, t.Rows);
                break;
            default:
                throw Unsupported("symmetric rank update", target, a);
        }
    }

    /// <summary>Rows up to which a dense symmetric update is a set of dot products rather than a packed product.</summary>
    private const int ThinRows = 6;

    /// <summary>
    /// Lower triangle of C −= A Aᵀ for a thin A (n ≤ <see cref="ThinRows"/> rows, many columns: the [X y] row of L
    /// against a term with many levels), as n(n+1)/2 strided dot products with four partial sums each. A packed
    /// product would pad every column of A to the micro-kernel's 24 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ThinSyrkLowerSubtract(int n, int k, double[] a, double[] c, int ldc)
    {
        int k4 = k & ~3;
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int p = 0;
                for (; p < k4; p += 4)
                {
                    int o = p * n;
                    s0 += a[o + i] * a[o + j];
                    s1 += a[o + n + i] * a[o + n + j];
                    s2 += a[o + 2 * n + i] * a[o + 2 * n + j];
                    s3 += a[o + 3 * n + i] * a[o + 3 * n + j];
                }
                for (; p < k; p++) s0 += a[p * n + i] * a[p * n + j];
                c[j * ldc + i] -= (s0 + s1) + (s2 + s3);
            }
        }
    }

    /// <summary><paramref name="target"/> −= a · bᵀ (a: rows of target × shared; b: columns of target × shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RankUpdate(Block target, Block a, Block b, SparseProductPlan? plan)
    {
        switch (target, a, b)
        {
            case (DenseBlock t, DenseBlock da, DenseBlock db):
                DenseKernels.GemmNtSubtract(da.Rows, db.Rows, da.Columns, da.Values, da.Rows, db.Values, db.Rows, t.Values, t.Rows);
                break;
            case (DenseBlock t, DenseBlock da, SparseBlock sb):
                DenseMinusDenseSparseT(t, da, sb);
                break;
            case (DenseBlock t, SparseBlock sa, DenseBlock db):
                DenseMinusSparseDenseT(t, sa, db);
                break;
            case (DenseBlock t, SparseBlock sa, SparseBlock sb):
                DenseMinusSparseSparseT(t, sa, sb);
                break;
            case (SparseBlock t, SparseBlock sa, SparseBlock sb):
                if (plan is null) throw new InvalidOperationException("sparse rank update without a product plan");
                SparseMinusSparseSparseT(t, sa, sb, plan);
                break;
            default:
                throw Unsupported($"rank update ({target.Kind} −= {a.Kind}·{b.Kind}ᵀ)", a, b);
        }
    }

    /// <summary><paramref name="target"/> := target · L⁻ᵀ where <paramref name="l"/> is a factored diagonal block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RightDivideLowerTranspose(Block target, Block l)
    {
        switch (target, l)
        {
            case (SparseBlock t, BlockDiagonalBlock d):
                SparseDivideBlockDiagonal(t, d);
                break;
            case (DenseBlock t, BlockDiagonalBlock d):
                DenseDivideBlockDiagonal(t, d);
                break;
            case (DenseBlock t, DenseBlock d):
                DenseKernels.TrsmRightLowerTranspose(t.Rows, t.Columns, d.Values, d.Rows, t.Values, t.Rows);
                break;
            default:
                throw Unsupported("right division by Lᵀ", target, l);
        }
    }

    /// <summary>Cholesky factorisation of a diagonal block in place; −1 on success, else the failing scalar column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Factor(Block block)
    {
        switch (block)
        {
            case BlockDiagonalBlock d when d.Q == 1:
            {
                var v = d.Values;
                for (int i = 0; i < v.Length; i++)
                {
                    if (!(v[i] > 0)) return i;
                    v[i] = Math.Sqrt(v[i]);
                }
                return -1;
            }
            case BlockDiagonalBlock d:
            {
                int q = d.Q, qq = q * q;
                for (int g = 0; g < d.Levels; g++)
                {
                    int fail = DenseKernels.CholeskyLower(d.Values.AsSpan(g * qq, qq), q, q);
                    if (fail >= 0) return g * q + fail;
                }
                return -1;
            }
            case DenseBlock m:
                return DenseKernels.CholeskyLower(m.Values, m.Rows, m.Rows);
            default:
                throw new NotSupportedException($"no Cholesky kernel for a {block.Kind} diagonal block");
        }
    }

    /// <summary>
    /// The first block column of L for a vector-valued term (q ≥ 2), one pass over its levels: for each level g,
    /// L_g = chol(λᵀ A_g λ + I) and the level's q columns of the dense [X y] row, (A_Kg λ) L_g⁻ᵀ. The same result as
    /// the scaled copy, the per-level Cholesky and the right division done one after the other, without their
    /// per-level calls (for 10,000 groups of a 2 × 2 term those calls cost ten times the arithmetic).
    /// </summary>
    /// <returns>−1 on success; otherwise the scalar column of the first non-positive pivot.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScaleFactorAndDivideFirstColumn(BlockDiagonalBlock a, BlockDiagonalBlock l, double[] lambda, DenseBlock axy, DenseBlock lxy)
    {
        int q = a.Q, m = axy.Rows;
        return q == 2
            ? FirstColumnQ2(a.Values, l.Values, lambda, axy.Values, lxy.Values, a.Levels, m)
            : FirstColumnGeneral(a.Values, l.Values, lambda, axy.Values, lxy.Values, a.Levels, q, m);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstColumnQ2(double[] av, double[] lv, double[] lambda, double[] xv, double[] yv, int levels, int m)
    {
        double l00 = lambda[0], l10 = lambda[1], l11 = lambda[3];
        for (int g = 0; g < levels; g++)
        {
            int o = 4 * g;
            double a00 = av[o], a10 = av[o + 1], a11 = av[o + 3];
            // S = λᵀ A λ + I (lower triangle), then its Cholesky factor
            double t00 = a00 * l00 + a10 * l10, t10 = a10 * l00 + a11 * l10, t11 = a11 * l11;
            double s00 = l00 * t00 + l10 * t10 + 1.0, s10 = l11 * t10, s11 = l11 * t11 + 1.0;
            if (!(s00 > 0)) return 2 * g;
            double c00 = Math.Sqrt(s00), c10 = s10 / c00, d11 = s11 - c10 * c10;
            if (!(d11 > 0)) return 2 * g + 1;
            double c11 = Math.Sqrt(d11);
            lv[o] = c00;
            lv[o + 1] = c10;
            lv[o + 2] = 0;
            lv[o + 3] = c11;
            double i00 = 1.0 / c00, i11 = 1.0 / c11;
            int col0 = 2 * g * m, col1 = col0 + m;
            for (int r = 0; r < m; r++)
            {
                double x0 = xv[col0 + r], x1 = xv[col1 + r];
                double z0 = (x0 * l00 + x1 * l10) * i00;
                yv[col0 + r] = z0;
                yv[col1 + r] = (x1 * l11 - z0 * c10) * i11;
            }
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstColumnGeneral(double[] av, double[] lv, double[] lambda, double[] xv, double[] yv, int levels, int q, int m)
    {
        int qq = q * q;
        Span<double> t = qq <= 256 ? stackalloc double[qq] : new double[qq];
        Span<double> w = q <= 256 ? stackalloc double[q] : new double[q];
        for (int g = 0; g < levels; g++)
        {
            int o = g * qq;
            // t = A_g λ (full: A_g is symmetric, only its lower triangle is stored)
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int b = c; b < q; b++) s += av[o + (r >= b ? b * q + r : r * q + b)] * lambda[c * q + b];
                    t[c * q + r] = s;
                }
            }
            // L_g := lower triangle of λᵀ t + I, factored in place (column by column)
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++)
                {
                    double s = r == c ? 1.0 : 0.0;
                    for (int x = r; x < q; x++) s += lambda[r * q + x] * t[c * q + x];
                    for (int k = 0; k < c; k++) s -= lv[o + k * q + r] * lv[o + k * q + c];
                    if (r == c)
                    {
                        if (!(s > 0)) return g * q + c;
                        s = Math.Sqrt(s);
                    }
                    else
                    {
                        s /= lv[o + c * q + c];
                    }
                    lv[o + c * q + r] = s;
                }
                for (int r = 0; r < c; r++) lv[o + c * q + r] = 0;
            }
            // the level's columns of the [X y] row: (A_Kg λ) L_g⁻ᵀ, row by row
            int col = g * q * m;
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < q; c++)
                {
                    double s = 0;
                    for (int b = c; b < q; b++) s += xv[col + b * m + r] * lambda[c * q + b];
                    for (int k = 0; k < c; k++) s -= w[k] * lv[o + k * q + c];
                    w[c] = s / lv[o + c * q + c];
                }
                for (int c = 0; c < q; c++) yv[col + c * m + r] = w[c];
            }
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static NotSupportedException Unsupported(string what, Block first, Block second) =>
        new($"blocked Cholesky: no {what} kernel for the pair ({first.Kind}, {second.Kind})");

    // ---- symmetric updates ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockDiagonalMinusSparseSquare(BlockDiagonalBlock t, SparseBlock s)
    {
        // Valid only when each column level holds at most one row level (checked when the structure was chosen).
        int qi = s.RowQ, qk = s.ColumnQ, size = qi * qk;
        var v = s.Values;
        if (qi == 1 && qk == 1)
        {
            var d = t.Values;
            for (int c = 0; c < s.ColumnLevels; c++)
            {
                int e0 = s.ColumnStart[c], e1 = s.ColumnStart[c + 1];
                for (int e = e0; e < e1; e++) d[s.RowLevel[e]] -= v[e] * v[e];
            }
            return;
        }
        for (int c = 0; c < s.ColumnLevels; c++)
        {
            int e0 = s.ColumnStart[c], e1 = s.ColumnStart[c + 1];
            for (int e = e0; e < e1; e++)
            {
                var blk = t.LevelBlock(s.RowLevel[e]);
                var a = v.AsSpan(e * size, size);
                // blk (qi × qi) −= a aᵀ (a is qi × qk column-major)
                for (int col = 0; col < qi; col++)
                {
                    for (int row = 0; row < qi; row++)
                    {
                        double sum = 0;
                        for (int m = 0; m < qk; m++) sum += a[m * qi + row] * a[m * qi + col];
                        blk[col * qi + row] -= sum;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseMinusSparseSquare(DenseBlock t, SparseBlock s)
    {
        int qi = s.RowQ, qk = s.ColumnQ, size = qi * qk, ld = t.Rows;
        var v = s.Values;
        var tv = t.Values;
        var rl = s.RowLevel;
        if (qi == 1 && qk == 1)
        {
            for (int c = 0; c < s.ColumnLevels; c++)
            {
                int e0 = s.ColumnStart[c], e1 = s.ColumnStart[c + 1];
                for (int eb = e0; eb < e1; eb++)
                {
                    double vb = v[eb];
                    int col = rl[eb] * ld;
                    for (int ea = eb; ea < e1; ea++) tv[col + rl[ea]] -= v[ea] * vb;
                }
            }
            return;
        }
        for (int c = 0; c < s.ColumnLevels; c++)
        {
            int e0 = s.ColumnStart[c], e1 = s.ColumnStart[c + 1];
            for (int eb = e0; eb < e1; eb++)
            {
                int rb = rl[eb] * qi;
                for (int ea = eb; ea < e1; ea++)
                {
                    int ra = rl[ea] * qi;
                    // t[ra.., rb..] −= A_ea · A_ebᵀ
                    for (int col = 0; col < qi; col++)
                    {
                        for (int row = 0; row < qi; row++)
                        {
                            double sum = 0;
                            for (int m = 0; m < qk; m++) sum += v[ea * size + m * qi + row] * v[eb * size + m * qi + col];
                            tv[(rb + col) * ld + ra + row] -= sum;
                        }
                    }
                }
            }
        }
    }

    // ---- general updates ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseMinusDenseSparseT(DenseBlock t, DenseBlock a, SparseBlock b)
    {
        // t (m × ℓj qj) −= a (m × ℓk qk) · bᵀ, b is ℓj qj × ℓk qk sparse.
        int m = t.Rows, qj = b.RowQ, qk = b.ColumnQ, size = qj * qk;
        var tv = t.Values;
        var av = a.Values;
        var bv = b.Values;
        for (int c = 0; c < b.ColumnLevels; c++)
        {
            int e0 = b.ColumnStart[c], e1 = b.ColumnStart[c + 1];
            for (int e = e0; e < e1; e++)
            {
                int r = b.RowLevel[e];
                for (int s = 0; s < qj; s++)
                {
                    var tcol = tv.AsSpan((r * qj + s) * m, m);
                    for (int u = 0; u < qk; u++)
                    {
                        double coef = bv[e * size + u * qj + s];
                        if (coef == 0) continue;
                        var acol = av.AsSpan((c * qk + u) * m, m);
                        for (int i = 0; i < m; i++) tcol[i] -= acol[i] * coef;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseMinusSparseDenseT(DenseBlock t, SparseBlock a, DenseBlock b)
    {
        // t (ℓi qi × n) −= a (sparse ℓi qi × ℓk qk) · bᵀ, b is n × ℓk qk dense.
        int ld = t.Rows, n = b.Rows, qi = a.RowQ, qk = a.ColumnQ, size = qi * qk;
        var tv = t.Values;
        var av = a.Values;
        var bv = b.Values;
        for (int c = 0; c < a.ColumnLevels; c++)
        {
            int e0 = a.ColumnStart[c], e1 = a.ColumnStart[c + 1];
            for (int e = e0; e < e1; e++)
            {
                int r = a.RowLevel[e];
                for (int s = 0; s < qi; s++)
                {
                    int row = r * qi + s;
                    for (int u = 0; u < qk; u++)
                    {
                        double coef = av[e * size + u * qi + s];
                        if (coef == 0) continue;
                        int bcol = (c * qk + u) * n;
                        for (int j = 0; j < n; j++) tv[j * ld + row] -= coef * bv[bcol + j];
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseMinusSparseSparseT(DenseBlock t, SparseBlock a, SparseBlock b)
    {
        int ld = t.Rows, qi = a.RowQ, qj = b.RowQ, qk = a.ColumnQ;
        int sa = qi * qk, sb = qj * qk;
        var tv = t.Values;
        var av = a.Values;
        var bv = b.Values;
        for (int c = 0; c < a.ColumnLevels; c++)
        {
            int a0 = a.ColumnStart[c], a1 = a.ColumnStart[c + 1];
            int b0 = b.ColumnStart[c], b1 = b.ColumnStart[c + 1];
            if (a0 == a1 || b0 == b1) continue;
            for (int eb = b0; eb < b1; eb++)
            {
                int rb = b.RowLevel[eb] * qj;
                for (int ea = a0; ea < a1; ea++)
                {
                    int ra = a.RowLevel[ea] * qi;
                    if (qi == 1 && qj == 1 && qk == 1)
                    {
                        tv[rb * ld + ra] -= av[ea] * bv[eb];
                        continue;
                    }
                    for (int col = 0; col < qj; col++)
                    {
                        for (int row = 0; row < qi; row++)
                        {
                            double sum = 0;
                            for (int m = 0; m < qk; m++) sum += av[ea * sa + m * qi + row] * bv[eb * sb + m * qj + col];
                            tv[(rb + col) * ld + ra + row] -= sum;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SparseMinusSparseSparseT(SparseBlock t, SparseBlock a, SparseBlock b, SparseProductPlan plan)
    {
        int qi = a.RowQ, qj = b.RowQ, qk = a.ColumnQ;
        int sa = qi * qk, sb = qj * qk, st = qi * qj;
        var tv = t.Values;
        var av = a.Values;
        var bv = b.Values;
        var te = plan.Target;
        var ae = plan.Left;
        var be = plan.Right;
        if (st == 1 && qk == 1)
        {
            for (int x = 0; x < te.Length; x++) tv[te[x]] -= av[ae[x]] * bv[be[x]];
            return;
        }
        for (int x = 0; x < te.Length; x++)
        {
            int to = te[x] * st, ao = ae[x] * sa, bo = be[x] * sb;
            for (int col = 0; col < qj; col++)
            {
                for (int row = 0; row < qi; row++)
                {
                    double sum = 0;
                    for (int m = 0; m < qk; m++) sum += av[ao + m * qi + row] * bv[bo + m * qj + col];
                    tv[to + col * qi + row] -= sum;
                }
            }
        }
    }

    // ---- divisions ----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SparseDivideBlockDiagonal(SparseBlock t, BlockDiagonalBlock d)
    {
        int qi = t.RowQ, qc = t.ColumnQ, size = qi * qc;
        var tv = t.Values;
        if (qc == 1)
        {
            for (int c = 0; c < t.ColumnLevels; c++)
            {
                double inv = 1.0 / d.Values[c];
                int e0 = t.ColumnStart[c] * qi, e1 = t.ColumnStart[c + 1] * qi;
                for (int e = e0; e < e1; e++) tv[e] *= inv;
            }
            return;
        }
        int qq = qc * qc;
        for (int c = 0; c < t.ColumnLevels; c++)
        {
            int e0 = t.ColumnStart[c], e1 = t.ColumnStart[c + 1];
            if (e0 == e1) continue;
            var l = d.Values.AsSpan(c * qq, qq);
            // the entries of one column level are contiguous: divide them together (rows stacked)
            for (int e = e0; e < e1; e++)
            {
                DenseKernels.TrsmRightLowerTranspose(qi, qc, l, qc, tv.AsSpan(e * size, size), qi);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseDivideBlockDiagonal(DenseBlock t, BlockDiagonalBlock d)
    {
        int m = t.Rows, q = d.Q;
        var tv = t.Values;
        if (q == 1)
        {
            for (int c = 0; c < d.Levels; c++)
            {
                double inv = 1.0 / d.Values[c];
                var col = tv.AsSpan(c * m, m);
                for (int i = 0; i < m; i++) col[i] *= inv;
            }
            return;
        }
        int qq = q * q;
        for (int g = 0; g < d.Levels; g++)
        {
            DenseKernels.TrsmRightLowerTranspose(m, q, d.Values.AsSpan(g * qq, qq), q, tv.AsSpan(g * q * m, q * m), m);
        }
    }
}
