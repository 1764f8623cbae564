using System.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Numerics;

/// <summary>Which columns of a matrix are kept and which are aliased (linearly dependent on earlier ones).</summary>
/// <param name="Rank">The numerical rank.</param>
/// <param name="Kept">Original indices of the kept columns, increasing.</param>
/// <param name="Aliased">Original indices of the aliased columns, in the order R moves them to the end.</param>
public sealed record ColumnRankResult(int Rank, int[] Kept, int[] Aliased);

/// <summary>
/// R's rank decision for a model matrix (<c>qr(X, tol = 1e-7)</c> as used by <c>lm</c>, <c>glm</c> and lme4):
/// LINPACK <c>dqrdc2</c> with limited column pivoting (<see cref="HouseholderQr"/>) — at step l, a column whose norm orthogonal to the
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
        // R's rule (dqrdc2) on the small factor or the copy
        var qr = HouseholderQr.FactorInPlace(a, m, columns, tolerance);
        return new ColumnRankResult(qr.Rank, [.. qr.KeptColumns], [.. qr.AliasedColumns]);
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
            double norm = HouseholderQr.Norm(v);
            if (norm == 0) continue;
            if (v[0] < 0) norm = -norm;
            double inv = 1 / norm;
            for (int i = 0; i < v.Length; i++) v[i] *= inv;
            v[0] += 1;
            for (int j = l + 1; j < p; j++)
            {
                var col = a.AsSpan(j * ld + l, m - l);
                double t = -Dot(v, col) / v[0];
                VectorOps.Axpy(t, v, col);
            }
            v[0] = -norm;
            v[1..].Clear();
        }
    }

    /// <summary>Σ aᵢ bᵢ, vectorised with two vector accumulators (a fixed order for a given vector width).</summary>
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int w = Vector<double>.Count;
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= 2 * w)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i + 2 * w <= a.Length; i += 2 * w)
            {
                acc0 += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
                acc1 += new Vector<double>(a[(i + w)..]) * new Vector<double>(b[(i + w)..]);
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
