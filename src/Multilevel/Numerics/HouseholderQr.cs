using Multilevel.Numerics.Internals;
namespace Multilevel.Numerics;

/// <summary>
/// Householder QR decomposition A P = Q R of a dense column-major n × p matrix with R's rank-revealing
/// rule (LINPACK <c>dqrdc2</c> as used by <c>lm</c> and <c>glm</c>): limited column pivoting, where a
/// column whose remaining norm (rows l..n−1 after the first l reflections) falls below
/// <see cref="Tolerance"/> × its original norm is moved to the end and counted as aliased. The other
/// columns keep their relative order, so <see cref="Pivot"/>[0..<see cref="Rank"/>) is increasing and the
/// kept columns of X appear in their original order — which is how R reports NA coefficients.
/// </summary>
/// <remarks>
/// Storage is LINPACK's compact form: on and above the diagonal the factor R (in pivoted column order),
/// below it the Householder vectors; the leading element of each vector is kept apart. Reflection l is
/// H_l = I − u uᵀ / u_l with u_l ∈ [1, 2], so H_l is symmetric and orthogonal. The factorisation is
/// deterministic: every sum has a fixed order for a given n.
/// </remarks>
public sealed class HouseholderQr
{
    /// <summary>R's default tolerance for <c>lm</c> (<c>qr(x, tol = 1e-07)</c>).</summary>
    public const double DefaultTolerance = 1e-7;

    private readonly double[] _qr;       // n × p, pivoted order
    private readonly double[] _lead;     // leading element u_l of reflection l, or 0 when column l has no reflection
    private readonly int[] _pivot;

    private HouseholderQr(double[] qr, double[] lead, int[] pivot, int rows, int columns, int rank, double tolerance)
    {
        _qr = qr;
        _lead = lead;
        _pivot = pivot;
        Rows = rows;
        Columns = columns;
        Rank = rank;
        Tolerance = tolerance;
    }

    /// <summary>Number of rows n.</summary>
    public int Rows { get; }

    /// <summary>Number of columns p.</summary>
    public int Columns { get; }

    /// <summary>Numerical rank: the number of columns not moved to the end, at most n.</summary>
    public int Rank { get; }

    /// <summary>The relative tolerance used to declare a column aliased.</summary>
    public double Tolerance { get; }

    /// <summary>True when no column is aliased (<see cref="Rank"/> = p).</summary>
    public bool IsFullRank => Rank == Columns;

    /// <summary>Column j of A P is column <c>Pivot[j]</c> of A (0-based).</summary>
    public IReadOnlyList<int> Pivot => _pivot;

    /// <summary>Original indices of the columns of A that are in the span of the others (R's NA
    /// coefficients), in the order they were moved to the end: <c>Pivot[Rank..p)</c>.</summary>
    public IReadOnlyList<int> AliasedColumns => _pivot[Rank..];

    /// <summary>Original indices of the kept (non-aliased) columns in increasing order: <c>Pivot[0..Rank)</c>.</summary>
    public IReadOnlyList<int> KeptColumns => _pivot[..Rank];

    /// <summary>
    /// Factors the column-major <paramref name="rows"/> × <paramref name="columns"/> matrix
    /// <paramref name="a"/> (which is not modified).
    /// </summary>
    /// <param name="a">Column-major values, element (i, j) at <c>j * rows + i</c>.</param>
    /// <param name="rows">n.</param>
    /// <param name="columns">p.</param>
    /// <param name="tolerance">Relative tolerance for declaring a column aliased (R: 1e-7 for <c>lm</c>,
    /// <c>min(1e-7, epsilon / 1000)</c> for <c>glm</c>).</param>
    public static HouseholderQr Factor(ReadOnlySpan<double> a, int rows, int columns, double tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (a.Length != (long)rows * columns)
        {
            throw new ArgumentException($"a has {a.Length} values, expected {rows} × {columns}", nameof(a));
        }
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be a finite number ≥ 0");
        }
        double[] x = a.ToArray();
        return FactorInPlace(x, rows, columns, tolerance);
    }

    /// <summary>Factors <paramref name="x"/> in place (the array becomes the compact factor storage).</summary>
    internal static HouseholderQr FactorInPlace(double[] x, int n, int p, double tolerance)
    {
        var pivot = new int[p];
        var lead = new double[p];
        var remaining = new double[p];   // current (downdated) norm of rows l..n-1 of each column
        var reference = new double[p];   // norm from which the downdate was last refreshed
        var original = new double[p];    // original norm (1 for a zero column), the yardstick of the rule
        for (int j = 0; j < p; j++)
        {
            pivot[j] = j;
            double nrm = Norm(x.AsSpan(j * n, n));
            remaining[j] = nrm;
            reference[j] = nrm;
            original[j] = nrm == 0 ? 1 : nrm;
        }

        int kept = p;                    // columns kept..p-1 have been moved to the end
        int steps = Math.Min(n, p);
        for (int l = 0; l < steps; l++)
        {
            // Move negligible columns to the end (cycling), at most once per column.
            while (l < kept && remaining[l] < original[l] * tolerance)
            {
                RotateToEnd(x, n, p, l, pivot, remaining, reference, original);
                kept--;
            }
            if (l == n - 1)
            {
                // Last row: no reflection is needed; R keeps the element as it is.
                lead[l] = 0;
                continue;
            }
            var col = x.AsSpan(l * n + l, n - l);
            double nrmxl = Norm(col);
            if (nrmxl == 0)
            {
                // The downdated norm was positive but the column is exactly zero below row l: a column in
                // the span of the previous ones that the downdate missed. Treat it as aliased when it is
                // still among the kept columns (R would leave a zero pivot here).
                if (l < kept)
                {
                    RotateToEnd(x, n, p, l, pivot, remaining, reference, original);
                    kept--;
                    l--;            // process the column that moved into position l
                    continue;
                }
                lead[l] = 0;
                continue;
            }
            if (col[0] != 0) nrmxl = Math.CopySign(nrmxl, col[0]);
            double inv = 1.0 / nrmxl;
            for (int i = 0; i < col.Length; i++) col[i] *= inv;
            col[0] += 1.0;
            double u0 = col[0];
            for (int j = l + 1; j < p; j++)
            {
                var cj = x.AsSpan(j * n + l, n - l);
                double t = -Dot(col, cj) / u0;
                VectorOps.Axpy(t, col, cj);
                if (remaining[j] == 0) continue;
                double ratio = Math.Abs(cj[0]) / remaining[j];
                double tt = Math.Max(1.0 - ratio * ratio, 0.0);
                if (Math.Abs(tt) < 1e-6)
                {
                    // Cancellation: recompute the norm of the part below row l instead of downdating.
                    double fresh = Norm(cj[1..]);
                    remaining[j] = fresh;
                    reference[j] = fresh;
                }
                else
                {
                    remaining[j] *= Math.Sqrt(tt);
                }
            }
            lead[l] = u0;
            col[0] = -nrmxl;
        }
        int rank = Math.Min(kept, n);
        return new HouseholderQr(x, lead, pivot, n, p, rank, tolerance);
    }

    private static void RotateToEnd(double[] x, int n, int p, int l, int[] pivot, double[] remaining, double[] reference, double[] original)
    {
        if (l == p - 1) return;
        var saved = x.AsSpan(l * n, n).ToArray();
        Array.Copy(x, (l + 1) * n, x, l * n, (p - l - 1) * n);
        saved.CopyTo(x.AsSpan((p - 1) * n, n));
        Rotate(pivot, l);
        Rotate(remaining, l);
        Rotate(reference, l);
        Rotate(original, l);
    }

    private static void Rotate<T>(T[] v, int l)
    {
        T t = v[l];
        Array.Copy(v, l + 1, v, l, v.Length - l - 1);
        v[^1] = t;
    }

    /// <summary>
    /// The factor R as R's <c>qr.R</c> gives it: min(n, p) × p, upper triangular, column-major, in the
    /// pivoted column order (column j belongs to column <c>Pivot[j]</c> of A).
    /// </summary>
    public double[] UpperTriangle()
    {
        int m = Math.Min(Rows, Columns);
        var r = new double[m * Columns];
        for (int j = 0; j < Columns; j++)
        {
            int top = Math.Min(j, m - 1);
            for (int i = 0; i <= top; i++) r[j * m + i] = _qr[j * Rows + i];
        }
        return r;
    }

    /// <summary>Element (i, j) of R (i ≤ j, pivoted order).</summary>
    public double RElement(int i, int j) => i <= j && i < Math.Min(Rows, Columns) ? _qr[j * Rows + i] : 0.0;

    /// <summary>Qᵀ y (R's <c>qr.qty</c>, also the <c>effects</c> of <c>lm</c>): the first
    /// <see cref="Rank"/> reflections applied to y. Returns a new array of length n.</summary>
    public double[] QtY(ReadOnlySpan<double> y)
    {
        CheckLength(y);
        var r = y.ToArray();
        ApplyQt(r);
        return r;
    }

    /// <summary>Q y (R's <c>qr.qy</c>) with the first <see cref="Rank"/> reflections. Returns a new array.</summary>
    public double[] QY(ReadOnlySpan<double> y)
    {
        CheckLength(y);
        var r = y.ToArray();
        ApplyQ(r);
        return r;
    }

    /// <summary>Replaces y by Qᵀ y in place.</summary>
    public void ApplyQt(Span<double> y)
    {
        CheckLength(y);
        int k = Math.Min(Rank, Rows - 1);
        for (int l = 0; l < k; l++) Reflect(l, y);
    }

    /// <summary>Replaces y by Q y in place.</summary>
    public void ApplyQ(Span<double> y)
    {
        CheckLength(y);
        int k = Math.Min(Rank, Rows - 1);
        for (int l = k - 1; l >= 0; l--) Reflect(l, y);
    }

    private void Reflect(int l, Span<double> y)
    {
        double u0 = _lead[l];
        if (u0 == 0) return;
        var u = _qr.AsSpan(l * Rows + l, Rows - l);
        var ys = y[l..];
        // u = (u0, u[1..]); H y = y − (uᵀy / u0) u
        double s = u0 * ys[0] + Dot(u[1..], ys[1..]);
        double t = -s / u0;
        ys[0] += t * u0;
        VectorOps.Axpy(t, u[1..], ys[1..]);
    }

    /// <summary>
    /// Least-squares coefficients b minimising ‖y − A b‖ in the original column order; aliased columns
    /// get NaN (R's NA).
    /// </summary>
    public double[] Solve(ReadOnlySpan<double> y)
    {
        var qty = QtY(y);
        var b = SolveUpper(qty);
        var coef = new double[Columns];
        Array.Fill(coef, double.NaN);
        for (int j = 0; j < Rank; j++) coef[_pivot[j]] = b[j];
        return coef;
    }

    /// <summary>Coefficients of the kept columns (in the order of <see cref="KeptColumns"/>) from Qᵀy:
    /// solves R₁ b = (Qᵀy)[0..rank).</summary>
    public double[] SolveUpper(ReadOnlySpan<double> qty)
    {
        var b = new double[Rank];
        for (int i = 0; i < Rank; i++) b[i] = qty[i];
        for (int j = Rank - 1; j >= 0; j--)
        {
            b[j] /= _qr[j * Rows + j];
            double bj = b[j];
            for (int i = 0; i < j; i++) b[i] -= _qr[j * Rows + i] * bj;
        }
        return b;
    }

    /// <summary>Full least-squares solution: coefficients (original order, NaN for aliased), fitted values,
    /// residuals and effects Qᵀy.</summary>
    public LeastSquaresSolution SolveLeastSquares(ReadOnlySpan<double> y)
    {
        var effects = QtY(y);
        var b = SolveUpper(effects);
        var coef = new double[Columns];
        Array.Fill(coef, double.NaN);
        for (int j = 0; j < Rank; j++) coef[_pivot[j]] = b[j];
        // Fitted = Q [effects_1..rank; 0]; residuals = Q [0; effects_rank+1..n] (as R's qr.fitted / qr.resid).
        var fitted = new double[Rows];
        var resid = new double[Rows];
        int k = Math.Min(Rank, Rows);
        effects.AsSpan(0, k).CopyTo(fitted);
        effects.AsSpan(k).CopyTo(resid.AsSpan(k));
        ApplyQ(fitted);
        ApplyQ(resid);
        return new LeastSquaresSolution(coef, fitted, resid, effects, Rank);
    }

    /// <summary>
    /// (R₁ᵀ R₁)⁻¹ for the leading <see cref="Rank"/> × <see cref="Rank"/> block of R, column-major, in the
    /// order of <see cref="KeptColumns"/> — the unscaled covariance of the coefficients (R's
    /// <c>chol2inv(qr.R(qr)[p1, p1])</c>).
    /// </summary>
    public double[] InverseRtR()
    {
        int k = Rank;
        // Rinv: upper triangular inverse of R₁, column-major k × k.
        var rinv = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            rinv[j * k + j] = 1.0 / _qr[j * Rows + j];
            for (int i = j - 1; i >= 0; i--)
            {
                double s = 0;
                for (int m = i + 1; m <= j; m++) s += _qr[m * Rows + i] * rinv[j * k + m];
                rinv[j * k + i] = -s / _qr[i * Rows + i];
            }
        }
        // (RᵀR)⁻¹ = R⁻¹ R⁻ᵀ: element (i, j) = Σ_{m ≥ max(i, j)} Rinv(i, m) Rinv(j, m).
        var v = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            for (int i = 0; i <= j; i++)
            {
                double s = 0;
                for (int m = j; m < k; m++) s += rinv[m * k + i] * rinv[m * k + j];
                v[j * k + i] = s;
                v[i * k + j] = s;
            }
        }
        return v;
    }

    /// <summary>log |det R₁| = Σ log |R_jj| over the kept columns.</summary>
    public double LogAbsDeterminantR()
    {
        double s = 0;
        for (int j = 0; j < Rank; j++) s += Math.Log(Math.Abs(_qr[j * Rows + j]));
        return s;
    }

    private void CheckLength(ReadOnlySpan<double> y)
    {
        if (y.Length != Rows) throw new ArgumentException($"vector has {y.Length} values, expected {Rows}", nameof(y));
    }

    internal static double Norm(ReadOnlySpan<double> v)
    {
        double s = SumOfSquares(v);
        if (s > 1e-290 && !double.IsInfinity(s)) return Math.Sqrt(s);
        if (s == 0) return 0;
        // Rescale to avoid overflow or underflow.
        double scale = 0;
        foreach (double a in v) scale = Math.Max(scale, Math.Abs(a));
        if (scale == 0 || double.IsNaN(scale)) return scale;
        double inv = 1.0 / scale, t = 0;
        foreach (double a in v) { double z = a * inv; t += z * z; }
        return scale * Math.Sqrt(t);
    }

    /// <summary>Σ vᵢ² with four accumulators (fixed order).</summary>
    internal static double SumOfSquares(ReadOnlySpan<double> v)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= v.Length; i += 4)
        {
            s0 += v[i] * v[i];
            s1 += v[i + 1] * v[i + 1];
            s2 += v[i + 2] * v[i + 2];
            s3 += v[i + 3] * v[i + 3];
        }
        for (; i < v.Length; i++) s0 += v[i] * v[i];
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Σ aᵢ bᵢ with four accumulators (fixed order).</summary>
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
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
}

/// <summary>The least-squares solution of y ≈ A b from a <see cref="HouseholderQr"/>.</summary>
/// <param name="Coefficients">b in the original column order; NaN for aliased columns.</param>
/// <param name="Fitted">A b.</param>
/// <param name="Residuals">y − A b.</param>
/// <param name="Effects">Qᵀ y (R's <c>effects</c>).</param>
/// <param name="Rank">Numerical rank of A.</param>
public sealed record LeastSquaresSolution(double[] Coefficients, double[] Fitted, double[] Residuals, double[] Effects, int Rank);
