using System.Runtime.CompilerServices;
namespace Multilevel.Models.Internals;

/// <summary>
/// The blocked lower Cholesky factor L of Λᵀ A Λ + I (identity on the random-effects part only) for a Gram
/// matrix A in packed block form, updated in place for each θ. The kind of each block of L is chosen once from
/// the patterns of A: a diagonal block stays (block) diagonal when the updates it receives keep it so (nested
/// factors), otherwise it becomes dense (crossed factors); an off-diagonal block stays sparse when the
/// updates keep to a sparse pattern, otherwise it becomes dense.
/// </summary>
internal sealed class BlockedFactor
{
    private const double DenseFillThreshold = 0.25;

    private readonly GramMatrix _a;
    private readonly ThetaMap _map;
    private readonly int _k;
    private readonly Block[] _l;
    private readonly Dictionary<(int I, int J, int K), SparseProductPlan> _plans = [];
    private readonly int[]?[] _entryMap;
    private readonly double[][] _lambda;
    private readonly double[] _scratch;
    private SupernodalTail? _tail;
    private readonly bool _forceSupernodal;
    private bool _fusedFirstColumn;

    public BlockedFactor(GramMatrix a, ThetaMap map, bool forceSupernodal = false)
    {
        _forceSupernodal = forceSupernodal;
        _a = a;
        _map = map;
        _k = a.Layout.TermCount;
        int nb = _k + 1;
        _l = new Block[nb * (nb + 1) / 2];
        _entryMap = new int[]?[_l.Length];
        _lambda = new double[_k][];
        int maxQ = 1;
        for (int k = 0; k < _k; k++)
        {
            int q = map.Q(k);
            _lambda[k] = new double[q * q];
            maxQ = Math.Max(maxQ, q);
        }
        _scratch = new double[maxQ * maxQ * 2];
        ChooseStructure();
    }

    /// <summary>Number of random-effects terms.</summary>
    public int TermCount => _k;

    /// <summary>A block of L.</summary>
    public Block this[int i, int j] => _l[GramMatrix.Index(i, j)];

    /// <summary>The per-term λ of the last update (q × q column-major).</summary>
    public ReadOnlySpan<double> Lambda(int term) => _lambda[term];

    /// <summary>2 Σ log diag(L_Z) after the last successful update.</summary>
    public double LogDeterminantZ { get; private set; }

    /// <summary>2 Σ log diag(R_X) after the last successful update.</summary>
    public double LogDeterminantX { get; private set; }

    /// <summary>r_yy, the last diagonal element of L: r_yy² is the penalised weighted residual sum of squares.</summary>
    public double Ryy { get; private set; }

    /// <summary>Describes the kinds of the blocks of L (for diagnostics and tests).</summary>
    public string DescribeStructure()
    {
        var parts = new List<string>();
        int limit = _tail?.Start ?? _k + 1;
        for (int i = 0; i <= _k; i++)
        {
            for (int j = 0; j <= Math.Min(i, limit - 1); j++) parts.Add($"L[{i},{j}]={this[i, j].Kind}");
        }
        if (_tail is not null) parts.Add(_tail.Describe());
        return string.Join(", ", parts);
    }

    /// <summary>The supernodal trailing factor, when crossed factors fill in (null otherwise).</summary>
    internal SupernodalTail? Tail => _tail;

    /// <summary>Sets L ← Λ(θ)ᵀ A Λ(θ) + I and factors it in place. False when a pivot is not positive (X rank deficient).</summary>
    /// <param name="theta">θ.</param>
    /// <param name="full">Compute every block of L (needed by the solves after the optimum). Without it, a scalar
    /// crossed model with a supernodal tail skips the left block columns, which the deviance does not need.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Update(ReadOnlySpan<double> theta, bool full = true)
    {
        for (int k = 0; k < _k; k++) _map.FillLambda(k, theta, _lambda[k]);
        if (!full && _tail is { HasScalarProducts: true } fast)
        {
            var (fail, logLeft) = fast.FastAssembleAndFactor(_lambda[0][0], t => _lambda[t][0]);
            if (fail >= 0) return false;
            var ff = fast.Factor;
            int nzf = ff.RandomEffectNodes;
            int pf = _a.Layout.FixedEffectCount;
            LogDeterminantZ = 2 * (logLeft + ff.LogDiagonal(0, nzf));
            LogDeterminantX = 2 * ff.LogDiagonal(nzf, nzf + pf);
            Ryy = ff.Diagonal(nzf + pf);
            return true;
        }
        CopyScaled();
        int last = _k;
        int limit = _tail?.Start ?? last + 1;
        for (int j = 0; j < limit; j++)
        {
            var ljj = this[j, j];
            for (int k = 0; k < j; k++)
            {
                var ljk = this[j, k];
                BlockKernels.SymmetricRankUpdate(ljj, ljk);
                for (int i = j + 1; i <= last; i++)
                {
                    _plans.TryGetValue((i, j, k), out var plan);
                    BlockKernels.RankUpdate(this[i, j], this[i, k], ljk, plan);
                }
            }
            if (j == 0 && _fusedFirstColumn)
            {
                // scaled copy of the diagonal block and the [X y] row, factor and division in one pass
                if (BlockKernels.ScaleFactorAndDivideFirstColumn((BlockDiagonalBlock)_a[0, 0], (BlockDiagonalBlock)ljj, _lambda[0],
                        (DenseBlock)_a[last, 0], (DenseBlock)this[last, 0]) >= 0)
                {
                    return false;
                }
                for (int i = 1; i < last; i++) BlockKernels.RightDivideLowerTranspose(this[i, 0], ljj);
                continue;
            }
            if (BlockKernels.Factor(ljj) >= 0) return false;
            for (int i = j + 1; i <= last; i++) BlockKernels.RightDivideLowerTranspose(this[i, j], ljj);
        }
        double ldz = 0;
        for (int k = 0; k < Math.Min(limit, _k); k++) ldz += LogDiagonal(this[k, k], this[k, k].Rows);
        int p = _a.Layout.FixedEffectCount;
        if (_tail is not null)
        {
            if (_tail.AssembleAndFactor(_lambda[0][0], t => _lambda[t][0]) >= 0) return false;
            var f = _tail.Factor;
            int nz = f.RandomEffectNodes;
            LogDeterminantZ = 2 * (ldz + f.LogDiagonal(0, nz));
            LogDeterminantX = 2 * f.LogDiagonal(nz, nz + p);
            Ryy = f.Diagonal(nz + p);
            return true;
        }
        var xy = (DenseBlock)this[_k, _k];
        LogDeterminantZ = 2 * ldz;
        LogDeterminantX = 2 * LogDiagonal(xy, p);
        Ryy = xy[p, p];
        return true;
    }

    /// <summary>Σ log of the diagonal of a factored diagonal block. For a block-diagonal block, one logarithm of
    /// the product of the diagonal, kept in range by moving its binary exponent into an integer after each level
    /// (thousands of levels: a logarithm per element would cost more than the factorisation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LogDiagonal(Block b, int count)
    {
        double s = 0;
        switch (b)
        {
            case BlockDiagonalBlock d:
            {
                int q = d.Q, qq = q * q;
                var v = d.Values;
                double product = 1;
                long exponent = 0;
                for (int g = 0; g < d.Levels; g++)
                {
                    for (int r = 0; r < q; r++) product *= v[g * qq + r * q + r];
                    long bits = BitConverter.DoubleToInt64Bits(product);
                    int field = (int)(bits >> 52); // the product is positive: no sign bit
                    if (field is > 0 and < 0x7FF)
                    {
                        exponent += field - 1023;
                        product = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
                    }
                    else
                    {
                        int e = Math.ILogB(product); // subnormal (not reached: the pivots of ΛᵀAΛ + I are at least 1)
                        product = Math.ScaleB(product, -e);
                        exponent += e;
                    }
                }
                s = Math.Log(product) + exponent * Math.Log(2.0);
                break;
            }
            case DenseBlock m:
                for (int r = 0; r < count; r++) s += Math.Log(m.Values[r * m.Rows + r]);
                break;
            default:
                throw new NotSupportedException($"no log-determinant for a {b.Kind} diagonal block");
        }
        return s;
    }

    // ---------------- structure ----------------

    private void ChooseStructure()
    {
        int last = _k;
        // column 0 .. K−1 of random-effects terms, then the [X y] row.
        for (int j = 0; j < _k; j++)
        {
            var ajj = (BlockDiagonalBlock)_a[j, j];
            bool diagonalStays = true;
            for (int k = 0; k < j; k++)
            {
                if (this[j, k] is not SparseBlock s || !s.AtMostOnePerColumn) diagonalStays = false;
            }
            _l[GramMatrix.Index(j, j)] = diagonalStays
                ? new BlockDiagonalBlock(ajj.Levels, ajj.Q)
                : new DenseBlock(ajj.Rows, ajj.Rows);

            for (int i = j + 1; i < _k; i++)
            {
                var aij = (SparseBlock)_a[i, j];
                _l[GramMatrix.Index(i, j)] = ChooseOffDiagonal(i, j, aij);
            }
        }
        for (int j = 0; j < _k; j++)
        {
            var axy = _a[last, j];
            _l[GramMatrix.Index(last, j)] = new DenseBlock(axy.Rows, axy.Columns);
        }
        var xy = _a[last, last];
        _l[GramMatrix.Index(last, last)] = new DenseBlock(xy.Rows, xy.Columns);

        TryTail();
        if (_tail is null) DensifyFirstColumn();
        MapScalarEntriesIntoDenseBlocks();
        _fusedFirstColumn = this[0, 0] is BlockDiagonalBlock { Q: >= 2 } && this[last, 0] is DenseBlock;

        // product plans for the sparse targets
        int planLimit = _tail?.Start ?? _k;
        for (int j = 1; j < planLimit; j++)
        {
            for (int i = j + 1; i < planLimit; i++)
            {
                if (this[i, j] is not SparseBlock target) continue;
                for (int k = 0; k < j; k++)
                {
                    _plans[(i, j, k)] = MakePlan(target, (SparseBlock)this[i, k], (SparseBlock)this[j, k]);
                }
            }
        }
    }

    /// <summary>
    /// When a diagonal block J fills in (crossed factors), tries to hold blocks J.. as one supernodal sparse
    /// factor; the blocks of L there become A-shaped staging blocks for the scaled copy of A.
    /// </summary>
    private void TryTail()
    {
        int start = -1;
        for (int j = 1; j < _k; j++)
        {
            if (this[j, j] is DenseBlock)
            {
                start = j;
                break;
            }
        }
        if (start < 0) return;
        var saved = (Block[])_l.Clone();
        var savedMaps = (int[]?[])_entryMap.Clone();
        for (int j = start; j <= _k; j++)
        {
            for (int i = j; i <= _k; i++)
            {
                int x = GramMatrix.Index(i, j);
                _entryMap[x] = null;
                _l[x] = _a[i, j] switch
                {
                    BlockDiagonalBlock d => new BlockDiagonalBlock(d.Levels, d.Q),
                    SparseBlock sb => sb.WithSamePattern(),
                    var other => new DenseBlock(other.Rows, other.Columns),
                };
            }
        }
        _tail = SupernodalTail.TryCreate(_a, start, (i, k) => this[i, k], (i, j) => this[i, j], _forceSupernodal);
        if (_tail is null)
        {
            Array.Copy(saved, _l, _l.Length);
            Array.Copy(savedMaps, _entryMap, _entryMap.Length);
        }
    }

    // ---------------- access for the solves after the optimum ----------------

    /// <summary>Element (r, c) of the [X y] diagonal block of L (r ≥ c).</summary>
    public double XyEntry(int r, int c)
    {
        if (_tail is null) return ((DenseBlock)this[_k, _k])[r, c];
        int nz = _tail.RandomEffectNodes;
        return _tail.Factor[nz + r, nz + c];
    }

    /// <summary>Element (r, col) of the block L[K, term] ([X y] rows against the term's random effects).</summary>
    public double XyRowEntry(int term, int r, int col)
    {
        if (_tail is null || term < _tail.Start) return ((DenseBlock)this[_k, term])[r, col];
        var f = _tail.Factor;
        return f[f.RandomEffectNodes + r, f.NewIndex(_tail.TermOffset(term) + col)];
    }

    /// <summary>x := L_Z⁻¹ x, where x is zero in the terms before <paramref name="startTerm"/> (per-term vectors).</summary>
    public void SolveZ(double[][] x, int startTerm)
    {
        int limit = _tail?.Start ?? _k;
        for (int i = startTerm; i < limit; i++)
        {
            for (int j = startTerm; j < i; j++) BlockSolves.MultiplySubtract(this[i, j], x[j], x[i]);
            BlockSolves.SolveLower(this[i, i], x[i]);
        }
        if (_tail is null) return;
        var f = _tail.Factor;
        var y = new double[f.RandomEffectNodes];
        int first = y.Length;
        for (int i = _tail.Start; i < _k; i++)
        {
            for (int j = startTerm; j < _tail.Start; j++) BlockSolves.MultiplySubtract(this[i, j], x[j], x[i]);
            int off = _tail.TermOffset(i);
            for (int t = 0; t < x[i].Length; t++)
            {
                if (x[i][t] == 0) continue;
                int nw = f.NewIndex(off + t);
                y[nw] = x[i][t];
                first = Math.Min(first, nw);
            }
        }
        if (first < y.Length) f.SolveLowerZ(y, first);
        for (int i = _tail.Start; i < _k; i++)
        {
            int off = _tail.TermOffset(i);
            for (int t = 0; t < x[i].Length; t++) x[i][t] = y[f.NewIndex(off + t)];
        }
    }

    /// <summary>x := L_Z⁻ᵀ x (per-term vectors).</summary>
    public void SolveZTranspose(double[][] x)
    {
        int limit = _tail?.Start ?? _k;
        if (_tail is not null)
        {
            var f = _tail.Factor;
            var y = new double[f.RandomEffectNodes];
            for (int i = _tail.Start; i < _k; i++)
            {
                int off = _tail.TermOffset(i);
                for (int t = 0; t < x[i].Length; t++) y[f.NewIndex(off + t)] = x[i][t];
            }
            f.SolveLowerTransposeZ(y);
            for (int i = _tail.Start; i < _k; i++)
            {
                int off = _tail.TermOffset(i);
                for (int t = 0; t < x[i].Length; t++) x[i][t] = y[f.NewIndex(off + t)];
            }
        }
        for (int j = limit - 1; j >= 0; j--)
        {
            for (int i = j + 1; i < _k; i++) BlockSolves.MultiplyTransposeSubtract(this[i, j], x[i], x[j]);
            BlockSolves.SolveLowerTranspose(this[j, j], x[j]);
        }
    }

    private Block ChooseOffDiagonal(int i, int j, SparseBlock aij)
    {
        if (j == 0) return aij.WithSamePattern();
        if (this[j, j] is DenseBlock) return new DenseBlock(aij.Rows, aij.Columns);
        var dense = new DenseBlock(aij.Rows, aij.Columns);
        var keys = new HashSet<long>();
        for (int c = 0; c < aij.ColumnLevels; c++)
        {
            for (int e = aij.ColumnStart[c]; e < aij.ColumnStart[c + 1]; e++) keys.Add(Key(aij.RowLevel[e], c));
        }
        int original = keys.Count;
        double full = (double)aij.RowLevels * aij.ColumnLevels;
        for (int k = 0; k < j; k++)
        {
            if (this[i, k] is not SparseBlock lik || this[j, k] is not SparseBlock ljk) return dense;
            for (int c = 0; c < lik.ColumnLevels; c++)
            {
                for (int ea = lik.ColumnStart[c]; ea < lik.ColumnStart[c + 1]; ea++)
                {
                    for (int eb = ljk.ColumnStart[c]; eb < ljk.ColumnStart[c + 1]; eb++)
                    {
                        keys.Add(Key(lik.RowLevel[ea], ljk.RowLevel[eb]));
                        if (keys.Count > DenseFillThreshold * full && keys.Count > original) return dense;
                    }
                }
            }
        }
        if (keys.Count == original) return aij.WithSamePattern();
        // a larger pattern than A's: build it and map A's entries into it
        var sorted = keys.ToArray();
        Array.Sort(sorted);
        var colStart = new int[aij.ColumnLevels + 1];
        var rowLevel = new int[sorted.Length];
        for (int e = 0; e < sorted.Length; e++)
        {
            colStart[(int)(sorted[e] >> 32) + 1]++;
            rowLevel[e] = (int)(sorted[e] & 0xffffffff);
        }
        for (int c = 0; c < aij.ColumnLevels; c++) colStart[c + 1] += colStart[c];
        var block = new SparseBlock(aij.RowLevels, aij.RowQ, aij.ColumnLevels, aij.ColumnQ, colStart, rowLevel);
        var map = new int[aij.EntryCount];
        for (int c = 0; c < aij.ColumnLevels; c++)
        {
            for (int e = aij.ColumnStart[c]; e < aij.ColumnStart[c + 1]; e++) map[e] = block.Find(aij.RowLevel[e], c);
        }
        _entryMap[GramMatrix.Index(i, j)] = map;
        return block;
    }

    /// <summary>
    /// Without a supernodal tail, holds dense the blocks L[i, 0] of the first column that are dense enough when
    /// row i of L is dense already (a crossed factor: L[i, i] and every L[i, j], 0 &lt; j &lt; i, are dense), so that
    /// no sparse product plan reads them. With a tail the first column stays sparse: the tail's assembly needs it.
    /// </summary>
    private void DensifyFirstColumn()
    {
        for (int i = 1; i < _k; i++)
        {
            if (this[i, 0] is not SparseBlock || this[i, i] is not DenseBlock || !DenseEnough((SparseBlock)_a[i, 0])) continue;
            bool rowDense = true;
            for (int j = 1; j < i; j++) rowDense &= this[i, j] is DenseBlock;
            if (!rowDense) continue;
            var aij = _a[i, 0];
            _l[GramMatrix.Index(i, 0)] = new DenseBlock(aij.Rows, aij.Columns);
            _entryMap[GramMatrix.Index(i, 0)] = null;
        }
    }

    /// <summary>
    /// For each dense block of L filled from a scalar sparse block of A (crossed factors), the position in the
    /// dense storage of each of A's entries, so that the scaled copy is one indexed pass (<see cref="CopyOffDiagonal"/>).
    /// </summary>
    private void MapScalarEntriesIntoDenseBlocks()
    {
        int limit = _tail?.Start ?? _k;
        for (int j = 0; j < limit; j++)
        {
            for (int i = j + 1; i < _k; i++)
            {
                int x = GramMatrix.Index(i, j);
                if (_l[x] is not DenseBlock d || _a[i, j] is not SparseBlock a || a.RowQ * a.ColumnQ != 1) continue;
                var positions = new int[a.EntryCount];
                for (int c = 0; c < a.ColumnLevels; c++)
                {
                    for (int e = a.ColumnStart[c]; e < a.ColumnStart[c + 1]; e++) positions[e] = c * d.Rows + a.RowLevel[e];
                }
                _entryMap[x] = positions;
            }
        }
    }

    /// <summary>
    /// Whether a block of the first column is better held dense: at least <see cref="DenseFillThreshold"/> of its
    /// level pairs occur (two fully crossed factors, e.g. persons × items) and it is not huge. Its updates are
    /// then packed dense products (SIMD) instead of a scalar multiply-add per pair of entries.
    /// </summary>
    private static bool DenseEnough(SparseBlock a) =>
        (long)a.Rows * a.Columns <= MaxDenseFirstColumnElements && a.EntryCount >= DenseFillThreshold * ((double)a.RowLevels * a.ColumnLevels);

    private const long MaxDenseFirstColumnElements = 1L << 22;

    private static long Key(int rowLevel, int columnLevel) => ((long)columnLevel << 32) | (uint)rowLevel;

    private static SparseProductPlan MakePlan(SparseBlock target, SparseBlock lik, SparseBlock ljk)
    {
        var t = new List<int>();
        var l = new List<int>();
        var r = new List<int>();
        for (int c = 0; c < lik.ColumnLevels; c++)
        {
            for (int ea = lik.ColumnStart[c]; ea < lik.ColumnStart[c + 1]; ea++)
            {
                for (int eb = ljk.ColumnStart[c]; eb < ljk.ColumnStart[c + 1]; eb++)
                {
                    int e = target.Find(lik.RowLevel[ea], ljk.RowLevel[eb]);
                    if (e < 0) throw new InvalidOperationException("sparse update outside the target pattern");
                    t.Add(e);
                    l.Add(ea);
                    r.Add(eb);
                }
            }
        }
        return new SparseProductPlan([.. t], [.. l], [.. r]);
    }

    // ---------------- L ← ΛᵀAΛ + I ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyScaled(int fromColumn = 0)
    {
        int last = _k;
        for (int j = fromColumn; j < _k; j++)
        {
            int qj = _map.Q(j);
            var lamj = _lambda[j];
            bool fused = j == 0 && _fusedFirstColumn; // the diagonal block and [X y] row are copied by the fused kernel
            if (!fused) CopyDiagonal((BlockDiagonalBlock)_a[j, j], this[j, j], lamj);
            for (int i = j + 1; i < _k; i++)
            {
                CopyOffDiagonal((SparseBlock)_a[i, j], this[i, j], _lambda[i], lamj, _entryMap[GramMatrix.Index(i, j)]);
            }
            if (fused) continue;
            // [X y] row: A_Kj Λj
            var src = (DenseBlock)_a[last, j];
            var dst = (DenseBlock)this[last, j];
            if (qj == 1)
            {
                double lam = lamj[0];
                var s = src.Values;
                var d = dst.Values;
                for (int x = 0; x < s.Length; x++) d[x] = s[x] * lam;
            }
            else
            {
                int m = src.Rows;
                int levels = src.Columns / qj;
                for (int g = 0; g < levels; g++)
                {
                    for (int c = 0; c < qj; c++)
                    {
                        var dcol = dst.Values.AsSpan((g * qj + c) * m, m);
                        dcol.Clear();
                        for (int b = c; b < qj; b++)
                        {
                            double lam = lamj[c * qj + b];
                            if (lam == 0) continue;
                            var scol = src.Values.AsSpan((g * qj + b) * m, m);
                            for (int r = 0; r < m; r++) dcol[r] += scol[r] * lam;
                        }
                    }
                }
            }
        }
        ((DenseBlock)_a[last, last]).Values.CopyTo(((DenseBlock)this[last, last]).Values, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyDiagonal(BlockDiagonalBlock a, Block target, double[] lambda)
    {
        int q = a.Q, qq = q * q;
        if (target is BlockDiagonalBlock t)
        {
            if (q == 1)
            {
                double l2 = lambda[0] * lambda[0];
                var av = a.Values;
                var tv = t.Values;
                for (int g = 0; g < av.Length; g++) tv[g] = av[g] * l2 + 1.0;
                return;
            }
            for (int g = 0; g < a.Levels; g++)
            {
                var dst = t.Values.AsSpan(g * qq, qq);
                ScaleBlock(a.Values.AsSpan(g * qq, qq), dst, q, lambda, q, lambda);
                for (int r = 0; r < q; r++) dst[r * q + r] += 1.0;
            }
            return;
        }
        var d = (DenseBlock)target;
        d.Clear();
        int ld = d.Rows;
        Span<double> tmp = _scratch.AsSpan(0, qq);
        for (int g = 0; g < a.Levels; g++)
        {
            ScaleBlock(a.Values.AsSpan(g * qq, qq), tmp, q, lambda, q, lambda);
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++) d.Values[(g * q + c) * ld + g * q + r] = tmp[c * q + r] + (r == c ? 1.0 : 0.0);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyOffDiagonal(SparseBlock a, Block target, double[] lambdaI, double[] lambdaJ, int[]? entryMap)
    {
        int qi = a.RowQ, qj = a.ColumnQ, size = qi * qj;
        bool scalar = size == 1;
        double scale = scalar ? lambdaI[0] * lambdaJ[0] : 0;
        switch (target)
        {
            case SparseBlock t when entryMap is null:
            {
                if (scalar)
                {
                    var av = a.Values;
                    var tv = t.Values;
                    for (int e = 0; e < av.Length; e++) tv[e] = av[e] * scale;
                    return;
                }
                for (int e = 0; e < a.EntryCount; e++)
                {
                    ScaleBlock(a.Values.AsSpan(e * size, size), t.Values.AsSpan(e * size, size), qi, lambdaI, qj, lambdaJ);
                }
                return;
            }
            case SparseBlock t:
            {
                t.Clear();
                for (int e = 0; e < a.EntryCount; e++)
                {
                    var dst = t.Values.AsSpan(entryMap[e] * size, size);
                    if (scalar) dst[0] = a.Values[e] * scale;
                    else ScaleBlock(a.Values.AsSpan(e * size, size), dst, qi, lambdaI, qj, lambdaJ);
                }
                return;
            }
            case DenseBlock d when scalar && entryMap is not null:
            {
                // positions mapped once; a fully crossed block writes every element, so no clearing
                var dv = d.Values;
                var av = a.Values;
                int count = a.EntryCount;
                if (count != dv.Length) d.Clear();
                for (int e = 0; e < count; e++) dv[entryMap[e]] = av[e] * scale;
                return;
            }
            case DenseBlock d:
            {
                d.Clear();
                int ld = d.Rows;
                Span<double> tmp = _scratch.AsSpan(0, size);
                for (int c = 0; c < a.ColumnLevels; c++)
                {
                    for (int e = a.ColumnStart[c]; e < a.ColumnStart[c + 1]; e++)
                    {
                        int r = a.RowLevel[e];
                        if (scalar)
                        {
                            d.Values[c * ld + r] = a.Values[e] * scale;
                            continue;
                        }
                        ScaleBlock(a.Values.AsSpan(e * size, size), tmp, qi, lambdaI, qj, lambdaJ);
                        for (int cc = 0; cc < qj; cc++)
                        {
                            for (int rr = 0; rr < qi; rr++) d.Values[(c * qj + cc) * ld + r * qi + rr] = tmp[cc * qi + rr];
                        }
                    }
                }
                return;
            }
            default:
                throw new NotSupportedException($"cannot copy a Sparse block of A into a {target.Kind} block of L");
        }
    }

    /// <summary>dst (qi × qj) = λiᵀ · src · λj, all column-major, λ lower triangular.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScaleBlock(ReadOnlySpan<double> src, Span<double> dst, int qi, ReadOnlySpan<double> li, int qj, ReadOnlySpan<double> lj)
    {
        Span<double> tmp = _scratch.AsSpan(_scratch.Length / 2, qi * qj);
        // tmp = src · λj : tmp[a, c] = Σ_{b ≥ c} src[a, b] λj[b, c]
        for (int c = 0; c < qj; c++)
        {
            for (int a = 0; a < qi; a++)
            {
                double s = 0;
                for (int b = c; b < qj; b++) s += src[b * qi + a] * lj[c * qj + b];
                tmp[c * qi + a] = s;
            }
        }
        // dst = λiᵀ · tmp : dst[r, c] = Σ_{a ≥ r} λi[a, r] tmp[a, c]
        for (int c = 0; c < qj; c++)
        {
            for (int r = 0; r < qi; r++)
            {
                double s = 0;
                for (int a = r; a < qi; a++) s += li[r * qi + a] * tmp[c * qi + a];
                dst[c * qi + r] = s;
            }
        }
    }
}
