using System.Runtime.CompilerServices;
using System.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Numerics;

/// <summary>
/// Dense linear-algebra kernels on column-major storage with a leading dimension (element (i, j) of a
/// matrix with leading dimension ld is at <c>j * ld + i</c>). These are the hot loops of the mixed-model
/// objective. They are cache-blocked and vectorised (AVX-512, AVX2/FMA, or <see cref="Vector{T}"/>), use
/// several threads for large problems (<see cref="KernelOptions"/>), and are deterministic: for given
/// inputs and sizes the result is the same bits on every run and with any number of threads (fixed
/// blocking and summation order per element). Results differ from a naive loop only by rounding.
/// </summary>
public static unsafe class DenseKernels
{
    // ------------------------------------------------------------------ Cholesky

    /// <summary>
    /// In-place Cholesky factorisation of the lower triangle of the n × n matrix A: on return the lower
    /// triangle holds L with A = L Lᵀ; the strict upper triangle is not referenced.
    /// </summary>
    /// <returns>−1 on success; otherwise the 0-based column whose pivot was not positive (A is not positive
    /// definite); columns before it then hold the factor's columns and the rest of the lower triangle is overwritten.</returns>
    public static int CholeskyLower(Span<double> a, int n, int lda) => CholeskyLower(a, n, lda, default);

    /// <inheritdoc cref="CholeskyLower(Span{double}, int, int)"/>
    /// <param name="a">The matrix (column-major).</param>
    /// <param name="n">Order.</param>
    /// <param name="lda">Leading dimension (≥ n).</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CholeskyLower(Span<double> a, int n, int lda, KernelOptions options)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(a), a.Length, n, n, lda);
        if (n == 0) return -1;
        if (n <= CholeskyKernels.BaseSize && options.Isa is null)
        {
            // Small orders (the many tiny blocks of a mixed model): no context, straight to the unblocked kernel.
            KernelGuard.Options(options);
            fixed (double* pa = a)
                return KernelSet.Best.Fused ? CholeskyKernels.Unblocked<FusedArith>(pa, n, lda) : CholeskyKernels.Unblocked<PlainArith>(pa, n, lda);
        }
        KernelContext cx = options.Context();
        fixed (double* pa = a) return CholeskyKernels.Factor(cx, pa, n, lda);
    }

    /// <summary>
    /// Cholesky factorisation, in place, of <paramref name="count"/> independent q × q blocks stored one after
    /// the other, each column-major with leading dimension q (the diagonal blocks of a block-diagonal matrix,
    /// e.g. one per level of a vector-valued random-effects term). Only lower triangles are referenced.
    /// </summary>
    /// <returns>−1 on success; otherwise block · q + column of the first non-positive pivot.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CholeskyBlockDiagonal(Span<double> blocks, int q, int count)
    {
        KernelGuard.Dimension(q, nameof(q));
        KernelGuard.Dimension(count, nameof(count));
        KernelGuard.Vector(nameof(blocks), blocks.Length, checked(q * q * count));
        if (q == 0 || count == 0) return -1;
        fixed (double* pb = blocks) return CholeskyKernels.BlockDiagonal(KernelContext.SingleThreaded, pb, q, count);
    }

    /// <summary>log det(A) = 2 Σ log Lᵢᵢ from the Cholesky factor L of A (n × n, leading dimension ldl).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogDeterminantFromCholesky(ReadOnlySpan<double> l, int n, int ldl)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        double s = 0;
        for (int j = 0; j < n; j++) s += Math.Log(l[j * ldl + j]);
        return 2 * s;
    }

    // ------------------------------------------------------------------ rank updates

    /// <summary>C (m × n) −= A (m × k) · Bᵀ where B is n × k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemmNtSubtract(int m, int n, int k, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc)
        => GemmNtSubtract(m, n, k, a, lda, b, ldb, c, ldc, default);

    /// <summary>C (m × n) −= A (m × k) · Bᵀ where B is n × k.</summary>
    /// <param name="m">Rows of C and A.</param>
    /// <param name="n">Columns of C, rows of B.</param>
    /// <param name="k">Columns of A and B.</param>
    /// <param name="a">A, column-major.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">B, column-major.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="c">C, column-major. The spans may overlap (e.g. blocks of one matrix) as long as no element of C is also read as an element of A or B.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GemmNtSubtract(int m, int n, int k, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, KernelOptions options)
    {
        KernelGuard.Dimension(m, nameof(m));
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Dimension(k, nameof(k));
        KernelGuard.Matrix(nameof(a), a.Length, m, k, lda);
        KernelGuard.Matrix(nameof(b), b.Length, n, k, ldb);
        KernelGuard.Matrix(nameof(c), c.Length, m, n, ldc);
        if (m == 0 || n == 0 || k == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
            PackedGemm.Update(cx, m, n, k, -1.0, Operand.ColumnMajor(pa, lda), Operand.ColumnMajor(pb, ldb), pc, ldc, false);
    }

    /// <summary>Lower triangle of C (n × n) −= A · Aᵀ where A is n × k; the strict upper triangle of C is not referenced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SyrkLowerSubtract(int n, int k, ReadOnlySpan<double> a, int lda, Span<double> c, int ldc)
        => SyrkLowerSubtract(n, k, a, lda, c, ldc, default);

    /// <summary>Lower triangle of C (n × n) −= A · Aᵀ where A is n × k; the strict upper triangle of C is not referenced.</summary>
    /// <param name="n">Order of C, rows of A.</param>
    /// <param name="k">Columns of A.</param>
    /// <param name="a">A, column-major; no element of A may also be an element of the lower triangle of C (the spans may overlap).</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="c">C, column-major.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SyrkLowerSubtract(int n, int k, ReadOnlySpan<double> a, int lda, Span<double> c, int ldc, KernelOptions options)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Dimension(k, nameof(k));
        KernelGuard.Matrix(nameof(a), a.Length, n, k, lda);
        KernelGuard.Matrix(nameof(c), c.Length, n, n, ldc);
        if (n == 0 || k == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pa = a)
        fixed (double* pc = c)
            PackedGemm.Update(cx, n, n, k, -1.0, Operand.ColumnMajor(pa, lda), Operand.ColumnMajor(pa, lda), pc, ldc, true);
    }

    /// <summary>
    /// Lower triangle of C (n × n) −= A · Aᵀ where A is a sparse n × k matrix in compressed-column form:
    /// the entries of column p are <c>values[columnStarts[p] .. columnStarts[p + 1]]</c> in rows
    /// <c>rowIndices[...]</c>, strictly increasing within a column. Costs Σ_p nnz(p)² / 2 (e.g. the update of
    /// one grouping factor's block by a crossed factor's sparse block). Terms are subtracted column by column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SyrkLowerSubtractSparse(int n, int k, ReadOnlySpan<int> columnStarts, ReadOnlySpan<int> rowIndices, ReadOnlySpan<double> values, Span<double> c, int ldc)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Dimension(k, nameof(k));
        KernelGuard.Vector(nameof(columnStarts), columnStarts.Length, k + 1);
        KernelGuard.Matrix(nameof(c), c.Length, n, n, ldc);
        int nnz = columnStarts[k];
        if (columnStarts[0] < 0 || nnz > rowIndices.Length || nnz > values.Length)
            throw new ArgumentException($"columnStarts runs from {columnStarts[0]} to {nnz}, outside the {Math.Min(rowIndices.Length, values.Length)} stored entries.", nameof(columnStarts));
        for (int p = 0; p < k; p++)
        {
            int t0 = columnStarts[p], t1 = columnStarts[p + 1];
            if (t1 < t0) throw new ArgumentException($"columnStarts must not decrease (column {p}: {t0} then {t1}).", nameof(columnStarts));
            for (int t = t0; t < t1; t++)
            {
                int r = rowIndices[t];
                if ((uint)r >= (uint)n || (t > t0 && r <= rowIndices[t - 1]))
                    throw new ArgumentException($"Row index {r} of column {p} (entry {t}) must be in 0..{n - 1} and larger than the previous one.", nameof(rowIndices));
            }
        }
        fixed (double* pc = c)
        fixed (int* pr = rowIndices)
        fixed (double* pv = values)
        fixed (int* ps = columnStarts)
        {
            for (int p = 0; p < k; p++)
            {
                int t0 = ps[p], t1 = ps[p + 1];
                for (int t2 = t0; t2 < t1; t2++)
                {
                    double v2 = pv[t2];
                    double* col = pc + (nint)pr[t2] * ldc;
                    for (int t = t2; t < t1; t++) col[pr[t]] -= pv[t] * v2;
                }
            }
        }
    }

    // ------------------------------------------------------------------ triangular solves

    /// <summary>B (m × n) := B · L⁻ᵀ where L is n × n lower triangular (solves X Lᵀ = B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TrsmRightLowerTranspose(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
        => TrsmRightLowerTranspose(m, n, l, ldl, b, ldb, default);

    /// <summary>B (m × n) := B · L⁻ᵀ where L is n × n lower triangular (solves X Lᵀ = B).</summary>
    /// <param name="m">Rows of B.</param>
    /// <param name="n">Order of L, columns of B.</param>
    /// <param name="l">L, column-major (strict upper triangle not referenced). The spans of L and B may overlap (e.g. two parts of one panel) as long as the elements of L that are read are not elements of B.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="b">B, column-major, overwritten by the solution.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TrsmRightLowerTranspose(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb, KernelOptions options)
    {
        CheckTriangularRight(m, n, l, ldl, b, ldb);
        if (m == 0 || n == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l)
        fixed (double* pb = b)
            Triangular.RightLowerTranspose(cx, m, n, pl, ldl, pb, ldb);
    }

    /// <summary>
    /// B (m × q·count) := B · D⁻ᵀ where D is block-diagonal with <paramref name="count"/> lower-triangular q × q
    /// blocks stored one after the other (each column-major, leading dimension q), e.g. the factor of a
    /// vector-valued random-effects term's diagonal block: column block k of B is solved with block k.
    /// </summary>
    /// <param name="m">Rows of B.</param>
    /// <param name="q">Order of each block.</param>
    /// <param name="count">Number of blocks.</param>
    /// <param name="blocks">The q × q factors, q² values each (strict upper triangles not referenced).</param>
    /// <param name="b">B, column-major, overwritten by the solution; must not overlap the blocks.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    public static void TrsmRightLowerTransposeBlockDiagonal(int m, int q, int count, ReadOnlySpan<double> blocks, Span<double> b, int ldb, KernelOptions options = default)
    {
        KernelGuard.Dimension(m, nameof(m));
        KernelGuard.Dimension(q, nameof(q));
        KernelGuard.Dimension(count, nameof(count));
        KernelGuard.Vector(nameof(blocks), blocks.Length, checked(q * q * count));
        KernelGuard.Matrix(nameof(b), b.Length, m, checked(q * count), ldb);
        if (m == 0 || q == 0 || count == 0) return;
        KernelContext cx = options.Context().Single;
        fixed (double* pl = blocks)
        fixed (double* pb = b)
        {
            for (int k = 0; k < count; k++)
                Triangular.RightLowerTranspose(cx, m, q, pl + (nint)k * q * q, q, pb + (nint)k * q * ldb, ldb);
        }
    }

    /// <summary>B (m × n) := B · L⁻¹ where L is n × n lower triangular (solves X L = B).</summary>
    /// <param name="m">Rows of B.</param>
    /// <param name="n">Order of L, columns of B.</param>
    /// <param name="l">L, column-major (strict upper triangle not referenced). The spans of L and B may overlap (e.g. two parts of one panel) as long as the elements of L that are read are not elements of B.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="b">B, column-major, overwritten by the solution.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TrsmRightLower(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb, KernelOptions options = default)
    {
        CheckTriangularRight(m, n, l, ldl, b, ldb);
        if (m == 0 || n == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l)
        fixed (double* pb = b)
            Triangular.RightLower(cx, m, n, pl, ldl, pb, ldb);
    }

    /// <summary>Solves L x = b in place (L n × n lower triangular).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLower(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        KernelGuard.Vector(nameof(x), x.Length, n);
        if (n == 0) return;
        fixed (double* pl = l)
        fixed (double* px = x)
        {
            int vc = Vector<double>.Count;
            for (int j = 0; j < n; j++)
            {
                double* lj = pl + (nint)j * ldl;
                double xj = px[j] / lj[j];
                px[j] = xj;
                int i = j + 1;
                var f = new Vector<double>(xj);
                for (; i + vc <= n; i += vc) (Vector.Load(px + i) - Vector.Load(lj + i) * f).Store(px + i);
                for (; i < n; i++) px[i] -= lj[i] * xj;
            }
        }
    }

    /// <summary>Solves Lᵀ x = b in place (L n × n lower triangular).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerTranspose(int n, ReadOnlySpan<double> l, int ldl, Span<double> x)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        KernelGuard.Vector(nameof(x), x.Length, n);
        if (n == 0) return;
        fixed (double* pl = l)
        fixed (double* px = x)
        {
            int vc = Vector<double>.Count;
            for (int j = n - 1; j >= 0; j--)
            {
                double* lj = pl + (nint)j * ldl;
                int i = j + 1;
                var acc = Vector<double>.Zero;
                for (; i + vc <= n; i += vc) acc += Vector.Load(lj + i) * Vector.Load(px + i);
                double s = Vector.Sum(acc);
                for (; i < n; i++) s += lj[i] * px[i];
                px[j] = (px[j] - s) / lj[j];
            }
        }
    }

    /// <summary>Solves L X = B in place for the n × nrhs matrix B (several right-hand sides).</summary>
    /// <param name="n">Order of L, rows of B.</param>
    /// <param name="nrhs">Columns of B.</param>
    /// <param name="l">L, column-major (strict upper triangle not referenced). The spans of L and B may overlap (e.g. two parts of one panel) as long as the elements of L that are read are not elements of B.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="b">B, overwritten by X.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLower(int n, int nrhs, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb, KernelOptions options = default)
    {
        CheckTriangularLeft(n, nrhs, l, ldl, b, ldb);
        if (n == 0 || nrhs == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l)
        fixed (double* pb = b)
            Triangular.LeftLower(cx, n, nrhs, pl, ldl, pb, ldb);
    }

    /// <summary>Solves Lᵀ X = B in place for the n × nrhs matrix B (several right-hand sides).</summary>
    /// <param name="n">Order of L, rows of B.</param>
    /// <param name="nrhs">Columns of B.</param>
    /// <param name="l">L, column-major (strict upper triangle not referenced). The spans of L and B may overlap (e.g. two parts of one panel) as long as the elements of L that are read are not elements of B.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="b">B, overwritten by X.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerTranspose(int n, int nrhs, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb, KernelOptions options = default)
    {
        CheckTriangularLeft(n, nrhs, l, ldl, b, ldb);
        if (n == 0 || nrhs == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l)
        fixed (double* pb = b)
            Triangular.LeftLowerTranspose(cx, n, nrhs, pl, ldl, pb, ldb);
    }

    /// <summary>Solves A X = B in place, with A = L Lᵀ given by its Cholesky factor L (n × n) and B n × nrhs.</summary>
    /// <param name="n">Order of L, rows of B.</param>
    /// <param name="nrhs">Columns of B.</param>
    /// <param name="l">The Cholesky factor, column-major (strict upper triangle not referenced). The spans of L and B may overlap (e.g. two parts of one panel) as long as the elements of L that are read are not elements of B.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="b">B, overwritten by X.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CholeskySolve(int n, int nrhs, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb, KernelOptions options = default)
    {
        CheckTriangularLeft(n, nrhs, l, ldl, b, ldb);
        if (n == 0 || nrhs == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l)
        fixed (double* pb = b)
        {
            Triangular.LeftLower(cx, n, nrhs, pl, ldl, pb, ldb);
            Triangular.LeftLowerTranspose(cx, n, nrhs, pl, ldl, pb, ldb);
        }
    }

    // ------------------------------------------------------------------ inverses

    /// <summary>Replaces the lower-triangular L (n × n) by L⁻¹ in place; the strict upper triangle is not referenced.</summary>
    /// <param name="l">L, column-major, overwritten by L⁻¹.</param>
    /// <param name="n">Order.</param>
    /// <param name="ldl">Leading dimension.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InvertLower(Span<double> l, int n, int ldl, KernelOptions options = default)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        if (n == 0) return;
        KernelContext cx = options.Context();
        fixed (double* pl = l) Triangular.InvertLower(cx, n, pl, ldl);
    }

    /// <summary>
    /// The inverse (L Lᵀ)⁻¹ of a symmetric positive-definite matrix from its Cholesky factor L, written in
    /// full (both triangles) to <paramref name="inverse"/> — e.g. vcov = σ² (R_Xᵀ R_X)⁻¹. Costs 2n³/3.
    /// </summary>
    /// <param name="l">The Cholesky factor (n × n, column-major; strict upper triangle not referenced).</param>
    /// <param name="n">Order.</param>
    /// <param name="ldl">Leading dimension of L.</param>
    /// <param name="inverse">Output n × n (must not overlap L).</param>
    /// <param name="ldInverse">Leading dimension of the output.</param>
    /// <param name="options">Threads and thresholds.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CholeskyInverse(ReadOnlySpan<double> l, int n, int ldl, Span<double> inverse, int ldInverse, KernelOptions options = default)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        KernelGuard.Matrix(nameof(inverse), inverse.Length, n, n, ldInverse);
        if (n == 0) return;
        KernelContext cx = options.Context();
        for (int j = 0; j < n; j++)
        {
            l.Slice(j * ldl + j, n - j).CopyTo(inverse.Slice(j * ldInverse + j, n - j));
        }
        fixed (double* pi = inverse)
        {
            Triangular.InvertLower(cx, n, pi, ldInverse);
            Triangular.LowerTransposeTimesLower(cx, n, pi, ldInverse);
        }
        for (int j = 1; j < n; j++)
            for (int i = 0; i < j; i++) inverse[j * ldInverse + i] = inverse[i * ldInverse + j];
    }

    private static void CheckTriangularRight(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
    {
        KernelGuard.Dimension(m, nameof(m));
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        KernelGuard.Matrix(nameof(b), b.Length, m, n, ldb);
    }

    private static void CheckTriangularLeft(int n, int nrhs, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
    {
        KernelGuard.Dimension(n, nameof(n));
        KernelGuard.Dimension(nrhs, nameof(nrhs));
        KernelGuard.Matrix(nameof(l), l.Length, n, n, ldl);
        KernelGuard.Matrix(nameof(b), b.Length, n, nrhs, ldb);
    }
}
