using Multilevel.Models.Internals;

namespace Multilevel.Models;

/// <summary>
/// Accumulates the Gram matrix A = [Z X y]ᵀ W [Z X y] of a linear mixed model as sums over rows, block by
/// block: for each random-effects term the per-level sums Σ w z zᵀ, for each pair of terms the sums Σ w zᵢ zⱼᵀ
/// over the level pairs that occur, for each term Σ w [x; y] zᵀ per level, and Σ w [x; y][x; y]ᵀ.
/// <para>
/// Because every block is a sum over rows, rows may arrive in any order and in chunks (<see cref="AddRows"/>),
/// from memory, from a file stream, or already aggregated by a database (<see cref="AddLevel"/>,
/// <see cref="AddLevelPair"/>, <see cref="AddFixed"/> take GROUP BY sums). <see cref="Build"/> then gives the
/// <see cref="GramMatrix"/> from which the profiled deviance is evaluated without touching rows again.
/// </para>
/// </summary>
public sealed class GramAccumulator
{
    private readonly GramLayout _layout;
    private readonly int _k;
    private readonly int _p1;
    private readonly int[] _q;
    private readonly int[] _levels;
    private readonly int[] _zOffset;
    private readonly int _totalQ;
    private readonly double[][] _diag;
    private readonly double[][] _xyz;
    private readonly double[] _xyxy;
    private readonly PairSums[] _pairs;
    private long _rows;
    private double _sumLogWeights;
    private bool _built;

    /// <summary>Creates an empty accumulator for the given layout.</summary>
    public GramAccumulator(GramLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        _k = layout.TermCount;
        _p1 = layout.FixedEffectCount + 1;
        _q = [.. layout.Terms.Select(t => t.Q)];
        _levels = [.. layout.Terms.Select(t => t.Levels)];
        _zOffset = new int[_k];
        for (int k = 1; k < _k; k++) _zOffset[k] = _zOffset[k - 1] + _q[k - 1];
        _totalQ = layout.TotalQ;
        _diag = new double[_k][];
        _xyz = new double[_k][];
        for (int k = 0; k < _k; k++)
        {
            var t = layout.Terms[k];
            _diag[k] = new double[(long)t.Levels * t.Q * t.Q];
            _xyz[k] = new double[(long)_p1 * t.Levels * t.Q];
        }
        _xyxy = new double[_p1 * _p1];
        _pairs = new PairSums[_k * (_k - 1) / 2];
        for (int i = 1; i < _k; i++)
        {
            for (int j = 0; j < i; j++) _pairs[PairIndex(i, j)] = new PairSums(_q[i] * _q[j]);
        }
    }

    /// <summary>The layout being accumulated.</summary>
    public GramLayout Layout => _layout;

    /// <summary>Number of rows added so far (rows with zero weight are not counted).</summary>
    public long Rows => _rows;

    private static int PairIndex(int i, int j) => i * (i - 1) / 2 + j;

    /// <summary>
    /// Adds a chunk of rows. All spans are row-major:
    /// <paramref name="levels"/> count × K level indices (one per random-effects term, 0-based);
    /// <paramref name="z"/> count × Σqₖ random-effects values (the terms' columns one after another);
    /// <paramref name="xy"/> count × (p + 1) fixed-effects values followed by the response (offset already subtracted);
    /// <paramref name="weights"/> count prior weights, or empty for all 1.
    /// </summary>
    public void AddRows(int count, ReadOnlySpan<int> levels, ReadOnlySpan<double> z, ReadOnlySpan<double> xy, ReadOnlySpan<double> weights)
    {
        ThrowIfBuilt();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (levels.Length != (long)count * _k) throw new ArgumentException($"levels has {levels.Length} values, expected {count} × {_k}", nameof(levels));
        if (z.Length != (long)count * _totalQ) throw new ArgumentException($"z has {z.Length} values, expected {count} × {_totalQ}", nameof(z));
        if (xy.Length != (long)count * _p1) throw new ArgumentException($"xy has {xy.Length} values, expected {count} × {_p1}", nameof(xy));
        if (weights.Length != 0 && weights.Length != count) throw new ArgumentException($"weights has {weights.Length} values, expected {count} or none", nameof(weights));

        for (int r = 0; r < count; r++)
        {
            if (weights.Length != 0 && !(weights[r] > 0)) continue;   // not counted (zero), or an error below (invalid)
            for (int k = 0; k < _k; k++)
            {
                int g = levels[r * _k + k];
                if ((uint)g >= (uint)_levels[k])
                {
                    throw new ModelSpecificationException($"level index {g} of random-effects term {k + 1} in row {r + 1} of the chunk is outside [0, {_levels[k] - 1}]");
                }
            }
        }
        if (weights.Length == 0 && _k == 1 && _q[0] == 2)
        {
            AddUnweightedRowsQ2(count, levels, z, xy);
            return;
        }

        Span<double> wz = stackalloc double[Math.Min(_totalQ, 64)];
        double[]? wzHeap = _totalQ > 64 ? new double[_totalQ] : null;
        Span<double> wzs = wzHeap ?? wz[.._totalQ];

        for (int r = 0; r < count; r++)
        {
            double w = weights.Length == 0 ? 1.0 : weights[r];
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ModelSpecificationException($"prior weight {w} in row {r + 1} of the chunk is not a finite non-negative number");
            }
            if (w == 0) continue;
            var lv = levels.Slice(r * _k, _k);
            var zr = z.Slice(r * _totalQ, _totalQ);
            var xr = xy.Slice(r * _p1, _p1);
            for (int t = 0; t < _totalQ; t++) wzs[t] = w * zr[t];

            for (int k = 0; k < _k; k++)
            {
                int q = _q[k];
                int g = lv[k];
                var zk = zr.Slice(_zOffset[k], q);
                var wzk = wzs.Slice(_zOffset[k], q);
                // diagonal block: Σ w z zᵀ (full q × q)
                var d = _diag[k].AsSpan(g * q * q, q * q);
                for (int b = 0; b < q; b++)
                {
                    double wzb = wzk[b];
                    for (int a = 0; a < q; a++) d[b * q + a] += zk[a] * wzb;
                }
                // [x; y] zᵀ for this level: columns g·q .. g·q+q−1 of a (p+1) × ℓq matrix
                var xyz = _xyz[k].AsSpan(g * q * _p1, q * _p1);
                for (int b = 0; b < q; b++)
                {
                    double wzb = wzk[b];
                    var col = xyz.Slice(b * _p1, _p1);
                    for (int a = 0; a < _p1; a++) col[a] += xr[a] * wzb;
                }
                // pairs (i = k, j < k): Σ w z_k z_jᵀ at level pair (g_k, g_j)
                for (int j = 0; j < k; j++)
                {
                    var pair = _pairs[PairIndex(k, j)];
                    var cell = pair.Cell(g, lv[j]);
                    int qj = _q[j];
                    var wzj = wzs.Slice(_zOffset[j], qj);
                    for (int b = 0; b < qj; b++)
                    {
                        double wzb = wzj[b];
                        for (int a = 0; a < q; a++) cell[b * q + a] += zk[a] * wzb;
                    }
                }
            }
            // [x; y][x; y]ᵀ, lower triangle
            for (int b = 0; b < _p1; b++)
            {
                double wxb = w * xr[b];
                for (int a = b; a < _p1; a++) _xyxy[b * _p1 + a] += xr[a] * wxb;
            }
            _rows++;
            if (w != 1.0) _sumLogWeights += Math.Log(w);
        }
    }

    /// <summary>
    /// <see cref="AddRows"/> for the commonest large case — one random-effects term with q = 2 (an intercept and a
    /// slope), no prior weights — unrolled, with the level sums of the row a few rows ahead fetched into cache (rows
    /// seldom arrive sorted by level, and with 10,000 levels the sums outgrow the core's cache). The same arithmetic per
    /// element in the same order as the general loop (w = 1 makes w·z equal z), so the same bits. Levels are checked by
    /// the caller.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private unsafe void AddUnweightedRowsQ2(int count, ReadOnlySpan<int> levels, ReadOnlySpan<double> z, ReadOnlySpan<double> xy)
    {
        const int Ahead = 8;
        int p1 = _p1;
        fixed (int* lv = levels)
        fixed (double* zp = z, xp = xy, diag = _diag[0], xyzAll = _xyz[0], xyxy = _xyxy)
        {
            for (int r = 0; r < count; r++)
            {
                if (r + Ahead < count && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                {
                    int ga = lv[r + Ahead];
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(diag + 4 * ga);
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(xyzAll + 2 * p1 * ga);
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(xyzAll + 2 * p1 * ga + 2 * p1 - 1);
                }
                int g = lv[r];
                double z0 = zp[2 * r], z1 = zp[2 * r + 1];
                double* d = diag + 4 * g;
                d[0] += z0 * z0;
                d[1] += z1 * z0;
                d[2] += z0 * z1;
                d[3] += z1 * z1;
                double* xr = xp + r * p1;
                double* c0 = xyzAll + 2 * p1 * g;
                double* c1 = c0 + p1;
                for (int a = 0; a < p1; a++) c0[a] += xr[a] * z0;
                for (int a = 0; a < p1; a++) c1[a] += xr[a] * z1;
                for (int b = 0; b < p1; b++)
                {
                    double xb = xr[b];
                    for (int a = b; a < p1; a++) xyxy[b * p1 + a] += xr[a] * xb;
                }
            }
        }
        _rows += count;
    }

    /// <summary>
    /// Adds aggregated sums for one level of one random-effects term: <paramref name="zz"/> = Σ w z zᵀ (q × q,
    /// column-major) and <paramref name="xyz"/> = Σ w [x; y] zᵀ ((p + 1) × q, column-major).
    /// </summary>
    public void AddLevel(int term, int level, ReadOnlySpan<double> zz, ReadOnlySpan<double> xyz)
    {
        ThrowIfBuilt();
        CheckLevel(term, level);
        int q = _q[term];
        if (zz.Length != q * q) throw new ArgumentException($"zz has {zz.Length} values, expected {q} × {q}", nameof(zz));
        if (xyz.Length != q * _p1) throw new ArgumentException($"xyz has {xyz.Length} values, expected {_p1} × {q}", nameof(xyz));
        var d = _diag[term].AsSpan(level * q * q, q * q);
        for (int i = 0; i < d.Length; i++) d[i] += zz[i];
        var x = _xyz[term].AsSpan(level * q * _p1, q * _p1);
        for (int i = 0; i < x.Length; i++) x[i] += xyz[i];
    }

    /// <summary>
    /// Adds the aggregated sum Σ w zᵢ zⱼᵀ (qᵢ × qⱼ, column-major) over the rows at level
    /// <paramref name="levelI"/> of term <paramref name="termI"/> and level <paramref name="levelJ"/> of term
    /// <paramref name="termJ"/>, where <paramref name="termI"/> &gt; <paramref name="termJ"/>.
    /// </summary>
    public void AddLevelPair(int termI, int levelI, int termJ, int levelJ, ReadOnlySpan<double> zizj)
    {
        ThrowIfBuilt();
        if (termI <= termJ) throw new ArgumentException($"termI ({termI}) must be greater than termJ ({termJ})", nameof(termI));
        CheckLevel(termI, levelI);
        CheckLevel(termJ, levelJ);
        int size = _q[termI] * _q[termJ];
        if (zizj.Length != size) throw new ArgumentException($"zizj has {zizj.Length} values, expected {_q[termI]} × {_q[termJ]}", nameof(zizj));
        var cell = _pairs[PairIndex(termI, termJ)].Cell(levelI, levelJ);
        for (int i = 0; i < size; i++) cell[i] += zizj[i];
    }

    /// <summary>
    /// Adds the aggregated Σ w [x; y][x; y]ᵀ ((p + 1) × (p + 1), column-major; only the lower triangle is read),
    /// the number of rows these sums cover and their Σ log w (0 without prior weights).
    /// </summary>
    public void AddFixed(ReadOnlySpan<double> xyxy, long rows, double sumLogWeights)
    {
        ThrowIfBuilt();
        if (xyxy.Length != _p1 * _p1) throw new ArgumentException($"xyxy has {xyxy.Length} values, expected {_p1} × {_p1}", nameof(xyxy));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        for (int b = 0; b < _p1; b++)
        {
            for (int a = b; a < _p1; a++) _xyxy[b * _p1 + a] += xyxy[b * _p1 + a];
        }
        _rows += rows;
        _sumLogWeights += sumLogWeights;
    }

    /// <summary>Finishes accumulation: the blocks of A in packed lower-triangular block order. The accumulator cannot be used afterwards.</summary>
    public GramMatrix Build()
    {
        ThrowIfBuilt();
        _built = true;
        int nb = _k + 1;
        var blocks = new Block[nb * (nb + 1) / 2];
        for (int k = 0; k < _k; k++)
        {
            var t = _layout.Terms[k];
            var d = new BlockDiagonalBlock(t.Levels, t.Q);
            _diag[k].CopyTo(d.Values, 0);
            blocks[GramMatrix.Index(k, k)] = d;
            for (int j = 0; j < k; j++)
            {
                blocks[GramMatrix.Index(k, j)] = _pairs[PairIndex(k, j)].ToSparse(t.Levels, t.Q, _layout.Terms[j].Levels, _q[j]);
            }
            var xyz = new DenseBlock(_p1, t.Levels * t.Q);
            _xyz[k].CopyTo(xyz.Values, 0);
            blocks[GramMatrix.Index(_k, k)] = xyz;
        }
        var last = new DenseBlock(_p1, _p1);
        for (int b = 0; b < _p1; b++)
        {
            for (int a = b; a < _p1; a++)
            {
                last[a, b] = _xyxy[b * _p1 + a];
                last[b, a] = _xyxy[b * _p1 + a];
            }
        }
        blocks[GramMatrix.Index(_k, _k)] = last;
        return new GramMatrix(_layout, blocks, _rows, _sumLogWeights);
    }

    private void CheckLevel(int term, int level)
    {
        if ((uint)term >= (uint)_k) throw new ArgumentOutOfRangeException(nameof(term), $"term {term} is outside [0, {_k - 1}]");
        if ((uint)level >= (uint)_layout.Terms[term].Levels)
        {
            throw new ArgumentOutOfRangeException(nameof(level), $"level {level} of term {term} is outside [0, {_layout.Terms[term].Levels - 1}]");
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built) throw new InvalidOperationException("the Gram matrix was already built from this accumulator");
    }

    /// <summary>Sums over the level pairs of two terms that occur in the data.</summary>
    private sealed class PairSums(int cellSize)
    {
        private readonly Dictionary<long, int> _index = [];
        private double[] _values = new double[cellSize * 64];
        private int _count;
        private long _lastKey = -1;
        private int _lastCell = -1;

        public Span<double> Cell(int rowLevel, int columnLevel)
        {
            long key = ((long)columnLevel << 32) | (uint)rowLevel;
            int cell;
            if (key == _lastKey)
            {
                cell = _lastCell;
            }
            else
            {
                if (!_index.TryGetValue(key, out cell))
                {
                    cell = _count++;
                    if ((long)_count * cellSize > _values.Length) Array.Resize(ref _values, _values.Length * 2);
                    _index.Add(key, cell);
                }
                _lastKey = key;
                _lastCell = cell;
            }
            return _values.AsSpan(cell * cellSize, cellSize);
        }

        public SparseBlock ToSparse(int rowLevels, int rowQ, int columnLevels, int columnQ)
        {
            var keys = new long[_index.Count];
            var cells = new int[_index.Count];
            int n = 0;
            foreach (var kv in _index)
            {
                keys[n] = kv.Key;
                cells[n] = kv.Value;
                n++;
            }
            Array.Sort(keys, cells);
            var colStart = new int[columnLevels + 1];
            var rowLevel = new int[n];
            for (int e = 0; e < n; e++)
            {
                int c = (int)(keys[e] >> 32);
                colStart[c + 1]++;
                rowLevel[e] = (int)(keys[e] & 0xffffffff);
            }
            for (int c = 0; c < columnLevels; c++) colStart[c + 1] += colStart[c];
            var block = new SparseBlock(rowLevels, rowQ, columnLevels, columnQ, colStart, rowLevel);
            for (int e = 0; e < n; e++)
            {
                _values.AsSpan(cells[e] * cellSize, cellSize).CopyTo(block.Values.AsSpan(e * cellSize, cellSize));
            }
            return block;
        }
    }
}
