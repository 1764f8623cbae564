namespace Multilevel.Numerics;

/// <summary>Which columns of a matrix are kept and which are aliased (linearly dependent on earlier ones).</summary>
/// <param name="Rank">The numerical rank.</param>
/// <param name="Kept">Original indices of the kept columns, increasing.</param>
/// <param name="Aliased">Original indices of the aliased columns, in the order R moves them to the end.</param>
public sealed record ColumnRankResult(int Rank, int[] Kept, int[] Aliased);

/// <summary>
/// R's rank decision for a model matrix (<c>qr(X, tol = 1e-7)</c> as used by <c>lm</c>, <c>glm</c> and lme4):
/// LINPACK <c>dqrdc2</c> with limited column pivoting — at step l, a column whose norm orthogonal to the
/// columns already accepted falls below tol × its original norm is moved to the end; the others keep their
/// order. Columns moved are aliased (R reports NA coefficients for them).
/// </summary>
/// <remarks>
/// For a tall matrix (n much larger than p) the decision is made on the p × p triangular factor R of an
/// unpivoted Householder QR computed block by block (TSQR): X and R have the same column norms and the same
/// norms of every column orthogonal to any set of other columns (XᵀX = RᵀR), so dqrdc2 takes the same
/// decisions on R as on X, while the work on n rows is done once in cache-sized blocks without copying X.
/// Cost 2np² flops; memory O(p² + block·p). Sums run in a fixed order, so results are deterministic.
/// </remarks>
public static class ColumnRank
{
    /// <summary>R's default tolerance.</summary>
    public const double DefaultTolerance = 1e-7;

    /// <summary>Decides which columns of the column-major <paramref name="rows"/> × <paramref name="columns"/>
    /// matrix <paramref name="x"/> are aliased.</summary>
    public static ColumnRankResult Check(ReadOnlySpan<double> x, int rows, int columns, double tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (x.Length != (long)rows * columns) throw new ArgumentException($"x has {x.Length} values, expected {rows} × {columns}", nameof(x));
        if (!(tolerance >= 0) || double.IsInfinity(tolerance)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "a finite tolerance ≥ 0");
        if (columns == 0) return new ColumnRankResult(0, [], []);

        double[] a;
        int m;
        if (rows <= 2 * columns + 16)
        {
            a = x.ToArray();
            m = rows;
        }
        else
        {
            a = TriangularFactor(x, rows, columns);
            m = columns;
        }
        return Dqrdc2(a, m, columns, tolerance);
    }

    /// <summary>The p × p upper-triangular R (column-major, zeros below) of X = QR, by blocks of rows.</summary>
    internal static double[] TriangularFactor(ReadOnlySpan<double> x, int rows, int p)
    {
        int block = Math.Max(256, 4 * p);
        block = Math.Min(block, Math.Max(p + 1, (1 << 20) / Math.Max(1, p))); // keep the buffer near 8 MB
        int ld = p + block;
        var buffer = new double[(long)ld * p];
        int filledR = 0; // rows of R currently at the top of the buffer (0 before the first block)
        for (int start = 0; start < rows; start += block)
        {
            int count = Math.Min(block, rows - start);
            int m = filledR + count;
            for (int j = 0; j < p; j++)
            {
                var src = x.Slice(j * rows + start, count);
                src.CopyTo(buffer.AsSpan(j * ld + filledR, count));
            }
            HouseholderInPlace(buffer, ld, m, p);
            filledR = Math.Min(m, p);
        }
        var r = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            for (int i = 0; i <= j && i < filledR; i++) r[j * p + i] = buffer[j * ld + i];
        }
        return r;
    }

    /// <summary>Unpivoted Householder QR of the leading m × p block of a (leading dimension ld); leaves R on
    /// and above the diagonal and zeros below.</summary>
    private static void HouseholderInPlace(double[] a, int ld, int m, int p)
    {
        int steps = Math.Min(m, p);
        for (int l = 0; l < steps; l++)
        {
            var v = a.AsSpan(l * ld + l, m - l);
            double norm = Norm(v);
            if (norm == 0) continue;
            if (v[0] < 0) norm = -norm;
            double inv = 1 / norm;
            for (int i = 0; i < v.Length; i++) v[i] *= inv;
            v[0] += 1;
            for (int j = l + 1; j < p; j++)
            {
                var col = a.AsSpan(j * ld + l, m - l);
                double t = -Dot(v, col) / v[0];
                Axpy(t, v, col);
            }
            v[0] = -norm;
            v[1..].Clear();
        }
    }

    /// <summary>LINPACK dqrdc2 (R's modification of dqrdc) on an m × p column-major matrix, deciding the rank.</summary>
    private static ColumnRankResult Dqrdc2(double[] x, int n, int p, double tol)
    {
        var qraux = new double[p];
        var work0 = new double[p];
        var work1 = new double[p];
        var pivot = new int[p];
        for (int j = 0; j < p; j++)
        {
            pivot[j] = j;
            qraux[j] = Norm(x.AsSpan(j * n, n));
            work0[j] = qraux[j];
            work1[j] = qraux[j] == 0 ? 1 : qraux[j];
        }
        int lup = Math.Min(n, p);
        int k = p + 1; // 1-based as in the Fortran: columns k..p have been moved to the end
        var tmp = new double[n];
        for (int l1 = 1; l1 <= lup; l1++)
        {
            int l = l1 - 1;
            // cycle negligible columns to the end
            while (!(l1 >= k || qraux[l] >= work1[l] * tol))
            {
                x.AsSpan(l * n, n).CopyTo(tmp);
                int lastPivot = pivot[l];
                double q = qraux[l], w0 = work0[l], w1 = work1[l];
                for (int j = l + 1; j < p; j++)
                {
                    x.AsSpan(j * n, n).CopyTo(x.AsSpan((j - 1) * n, n));
                    pivot[j - 1] = pivot[j];
                    qraux[j - 1] = qraux[j];
                    work0[j - 1] = work0[j];
                    work1[j - 1] = work1[j];
                }
                tmp.CopyTo(x.AsSpan((p - 1) * n, n));
                pivot[p - 1] = lastPivot;
                qraux[p - 1] = q;
                work0[p - 1] = w0;
                work1[p - 1] = w1;
                k--;
            }
            if (l1 == n) break;
            var v = x.AsSpan(l * n + l, n - l);
            double nrmxl = Norm(v);
            if (nrmxl == 0) continue;
            if (v[0] != 0) nrmxl = Math.CopySign(nrmxl, v[0]);
            double inv = 1 / nrmxl;
            for (int i = 0; i < v.Length; i++) v[i] *= inv;
            v[0] += 1;
            for (int j = l + 1; j < p; j++)
            {
                var col = x.AsSpan(j * n + l, n - l);
                double t = -Dot(v, col) / v[0];
                Axpy(t, v, col);
                if (qraux[j] == 0) continue;
                double tt = 1 - (Math.Abs(col[0]) / qraux[j]) * (Math.Abs(col[0]) / qraux[j]);
                tt = Math.Max(tt, 0);
                if (Math.Abs(tt) < 1e-6)
                {
                    qraux[j] = Norm(col[1..]);
                    work0[j] = qraux[j];
                }
                else
                {
                    qraux[j] *= Math.Sqrt(tt);
                }
            }
            qraux[l] = v[0];
            v[0] = -nrmxl;
        }
        int rank = Math.Min(k - 1, n);
        var kept = pivot[..rank];
        var aliased = pivot[rank..];
        return new ColumnRankResult(rank, kept, aliased);
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        // scaled to avoid overflow and underflow (as BLAS dnrm2), summed in a fixed order
        double scale = 0;
        foreach (double a in v) scale = Math.Max(scale, Math.Abs(a));
        if (scale == 0 || double.IsNaN(scale)) return scale;
        if (double.IsInfinity(scale)) return double.PositiveInfinity;
        double inv = 1 / scale;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= v.Length; i += 4)
        {
            double a0 = v[i] * inv, a1 = v[i + 1] * inv, a2 = v[i + 2] * inv, a3 = v[i + 3] * inv;
            s0 += a0 * a0;
            s1 += a1 * a1;
            s2 += a2 * a2;
            s3 += a3 * a3;
        }
        for (; i < v.Length; i++)
        {
            double a = v[i] * inv;
            s0 += a * a;
        }
        return scale * Math.Sqrt((s0 + s1) + (s2 + s3));
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= a.Length; i += 4)
        {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < a.Length; i++) s0 += a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
    }

    private static void Axpy(double t, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += t * x[i];
    }
}
