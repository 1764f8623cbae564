using System.Runtime.CompilerServices;
namespace Multilevel.Models.Internals;

/// <summary>
/// The trailing blocks j ≥ J of L (random-effects terms J … K−1 and [X y]) held as one supernodal sparse factor,
/// for crossed factors whose diagonal blocks would fill in. Each evaluation assembles
/// S = (Λᵀ A Λ + I)[J.., J..] − W Wᵀ, where W = L[J.., 0..J−1] are the already-computed left block columns, then
/// factors S. Positions in the factor's storage of every entry of A's blocks and of every product in W Wᵀ are
/// computed once.
/// </summary>
internal sealed class SupernodalTail
{
    private readonly SupernodalFactor _factor;
    private readonly int _start;
    private readonly int _k;
    private readonly int[] _termOffset; // old T-local offset of term J + t
    private readonly (Block Block, int[] Dest)[] _staging;
    private readonly double[][] _wValues;
    private readonly int[] _columnStart;   // product columns: gather range in _gatherBlock/_gatherIndex
    private readonly int[] _gatherBlock;
    private readonly int[] _gatherIndex;
    private readonly int[] _pairDest;
    private readonly double[] _gathered;
    // scalar fast path (first and trailing terms scalar, J = 1: InstEval): S assembled from A directly
    private ScalarTailAssembly? _scalar;
    private readonly double[] _termLambda;

    private SupernodalTail(SupernodalFactor factor, int start, int k, int[] termOffset, (Block, int[])[] staging,
        double[][] wValues, int[] columnStart, int[] gatherBlock, int[] gatherIndex, int[] pairDest, int maxColumn)
    {
        _factor = factor;
        _start = start;
        _k = k;
        _termOffset = termOffset;
        _staging = staging;
        _wValues = wValues;
        _columnStart = columnStart;
        _gatherBlock = gatherBlock;
        _gatherIndex = gatherIndex;
        _pairDest = pairDest;
        _gathered = new double[maxColumn];
        _termLambda = new double[k - start + 1];
    }

    /// <summary>The first block column held here (J).</summary>
    public int Start => _start;

    /// <summary>The factor.</summary>
    public SupernodalFactor Factor => _factor;

    /// <summary>Old T-local offset of term i (J ≤ i &lt; K).</summary>
    public int TermOffset(int term) => _termOffset[term - _start];

    /// <summary>Number of random-effects nodes.</summary>
    public int RandomEffectNodes => _factor.RandomEffectNodes;

    public string Describe() =>
        $"L[{_start}..{_k},{_start}..{_k}]=Supernodal(order {_factor.Order}, {_factor.SupernodeCount} supernodes, {_factor.StoredEntries} stored, minimum-degree order{(_scalar is null ? "" : $"; scalar assembly: {_scalar.ProductCount} products")})";

    /// <summary>
    /// Tries to build the tail: returns null when the structure does not suit it (a left block is dense, the
    /// problem is small, or the sparse factor would not save enough work over dense blocks).
    /// </summary>
    /// <param name="a">The Gram matrix.</param>
    /// <param name="start">J: the first block column whose diagonal block fills in.</param>
    /// <param name="left">The blocks L[i, k] for i ≥ J, k &lt; J (W), by (i, k).</param>
    /// <param name="staging">A-shaped blocks of L for i ≥ j ≥ J (filled by the scaled copy of A), by (i, j).</param>
    /// <param name="force">Use the tail whenever the structure allows it, whatever the size and the work saved (tests).</param>
    public static SupernodalTail? TryCreate(GramMatrix a, int start, Func<int, int, Block> left, Func<int, int, Block> staging, bool force)
    {
        int k = a.Layout.TermCount;
        int p1 = a.Layout.FixedEffectCount + 1;
        var termOffset = new int[k - start];
        int nz = 0;
        for (int i = start; i < k; i++)
        {
            termOffset[i - start] = nz;
            nz += a.Layout.Terms[i].Levels * a.Layout.Terms[i].Q;
        }
        int n = nz + p1;
        if (n < 100 && !force) return null;
        for (int i = start; i < k; i++)
        {
            for (int c = 0; c < start; c++)
            {
                if (left(i, c) is not SparseBlock) return null;
            }
        }
        int Q(int term) => a.Layout.Terms[term].Q;
        int Off(int term) => termOffset[term - start];

        // ---- product columns of W: per scalar column of the left terms, the nodes it touches (flat lists) ----
        var wBlocks = new List<double[]>();
        var aBlocks = new List<double[]>();
        var colCount = new List<int>();
        var counts = new List<int[]>();
        long total = 0;
        for (int c = 0; c < start; c++)
        {
            int qc = Q(c);
            var cnt = new int[a.Layout.Terms[c].Levels * qc];
            for (int i = start; i < k; i++)
            {
                var sb = (SparseBlock)left(i, c);
                for (int cl = 0; cl < sb.ColumnLevels; cl++)
                {
                    int m = (sb.ColumnStart[cl + 1] - sb.ColumnStart[cl]) * sb.RowQ;
                    for (int u = 0; u < qc; u++) cnt[cl * qc + u] += m;
                }
            }
            for (int x = 0; x < cnt.Length; x++)
            {
                cnt[x] += p1;
                total += cnt[x];
            }
            counts.Add(cnt);
        }
        int columnCount = counts.Sum(x => x.Length);
        var columnStart = new int[columnCount + 1];
        {
            int col = 0;
            foreach (var cnt in counts)
            {
                foreach (int m in cnt)
                {
                    columnStart[col + 1] = checked(columnStart[col] + m);
                    col++;
                }
            }
        }
        var node = new int[total];
        var gatherBlock = new int[total];
        var gatherIndex = new int[total];
        var fillPos = (int[])columnStart.Clone();
        long pairs = 0;
        {
            int colBase = 0;
            for (int c = 0; c < start; c++)
            {
                int qc = Q(c);
                for (int i = start; i < k; i++)
                {
                    var sb = (SparseBlock)left(i, c);
                    int bi = wBlocks.Count;
                    wBlocks.Add(sb.Values);
                    aBlocks.Add(((SparseBlock)a[i, c]).Values);
                    int size = sb.EntrySize;
                    for (int cl = 0; cl < sb.ColumnLevels; cl++)
                    {
                        for (int e = sb.ColumnStart[cl]; e < sb.ColumnStart[cl + 1]; e++)
                        {
                            int rl = sb.RowLevel[e];
                            for (int u = 0; u < qc; u++)
                            {
                                int col = colBase + cl * qc + u;
                                for (int t = 0; t < sb.RowQ; t++)
                                {
                                    int x = fillPos[col]++;
                                    node[x] = Off(i) + rl * sb.RowQ + t;
                                    gatherBlock[x] = bi;
                                    gatherIndex[x] = e * size + u * sb.RowQ + t;
                                }
                            }
                        }
                    }
                }
                var xy = (DenseBlock)left(k, c);
                int bx = wBlocks.Count;
                wBlocks.Add(xy.Values);
                aBlocks.Add(((DenseBlock)a[k, c]).Values);
                int levels = a.Layout.Terms[c].Levels * qc;
                for (int lc = 0; lc < levels; lc++)
                {
                    int col = colBase + lc;
                    for (int t = 0; t < p1; t++)
                    {
                        int x = fillPos[col]++;
                        node[x] = nz + t;
                        gatherBlock[x] = bx;
                        gatherIndex[x] = lc * p1 + t;
                    }
                    long len = columnStart[col + 1] - columnStart[col];
                    pairs += len * (len + 1) / 2;
                }
                colBase += levels;
            }
        }
        if (pairs > 40_000_000) return null;

        // ---- pattern of the random-effects nodes ([X y] is dense and last) ----
        var graph = new MinimumDegreeOrdering.Graph(nz);
        for (int i = start; i < k; i++)
        {
            var diag = (BlockDiagonalBlock)a[i, i];
            int q = diag.Q;
            var clique = new int[q];
            for (int g = 0; g < diag.Levels && q > 1; g++)
            {
                for (int r = 0; r < q; r++) clique[r] = Off(i) + g * q + r;
                graph.Clique(clique);
            }
            for (int j = start; j < i; j++)
            {
                var sb = (SparseBlock)a[i, j];
                for (int cl = 0; cl < sb.ColumnLevels; cl++)
                {
                    for (int e = sb.ColumnStart[cl]; e < sb.ColumnStart[cl + 1]; e++)
                    {
                        for (int r = 0; r < sb.RowQ; r++)
                        {
                            for (int c = 0; c < sb.ColumnQ; c++) graph.Edge(Off(i) + sb.RowLevel[e] * sb.RowQ + r, Off(j) + cl * sb.ColumnQ + c);
                        }
                    }
                }
            }
        }
        for (int col = 0; col < columnCount; col++)
        {
            int s0 = columnStart[col], len = columnStart[col + 1] - s0 - p1; // the last p1 entries are [X y]
            graph.Clique(node.AsSpan(s0, len));
        }

        var factor = SupernodalFactor.Analyze(nz, p1, graph);
        double dense = (double)n * n * n / 3;
        if (factor.FactorWork > 0.5 * dense && !force) return null;

        // ---- assembly positions of A's blocks ----
        var stagingList = new List<(Block, int[])>();
        for (int j = start; j <= k; j++)
        {
            for (int i = j; i <= k; i++)
            {
                var block = staging(i, j);
                stagingList.Add((block, StagingDestinations(factor, block, i, j, k, nz, Off)));
            }
        }

        // ---- product positions: each column sorted by new index, then the positions of its lower triangle ----
        int maxColumn = 0;
        var keys = Array.Empty<int>();
        var perm = Array.Empty<int>();
        for (int col = 0; col < columnCount; col++)
        {
            int s0 = columnStart[col], len = columnStart[col + 1] - s0;
            maxColumn = Math.Max(maxColumn, len);
            if (keys.Length < len)
            {
                keys = new int[len];
                perm = new int[len];
            }
            for (int x = 0; x < len; x++)
            {
                keys[x] = factor.NewIndex(node[s0 + x]);
                perm[x] = s0 + x;
            }
            Array.Sort(keys, perm, 0, len);
            var nb = new int[len];
            var gb = new int[len];
            var gi = new int[len];
            for (int x = 0; x < len; x++)
            {
                nb[x] = node[perm[x]];
                gb[x] = gatherBlock[perm[x]];
                gi[x] = gatherIndex[perm[x]];
            }
            nb.CopyTo(node, s0);
            gb.CopyTo(gatherBlock, s0);
            gi.CopyTo(gatherIndex, s0);
            for (int x = 0; x < len; x++) node[s0 + x] = keys[x]; // from here on: new indices
        }
        // the scalar path reads A's blocks where the staging blocks of L are written: their layouts must agree
        bool sameLayout = true;
        {
            int si = 0;
            for (int j = start; j <= k; j++)
            {
                for (int i = j; i <= k; i++) sameLayout &= SameLayout(a[i, j], stagingList[si++].Item1);
            }
        }
        bool scalar = sameLayout && start == 1 && Enumerable.Range(0, k).All(t => Q(t) == 1);
        if (scalar)
        {
            // the scalar fast path: A's values of each product entry and the tail term of each node
            var termOfNew = new int[factor.Order];
            for (int i = start; i < k; i++)
            {
                int off = termOffset[i - start];
                int mm = a.Layout.Terms[i].Levels;
                for (int t = 0; t < mm; t++) termOfNew[factor.NewIndex(off + t)] = i - start;
            }
            for (int t = nz; t < factor.Order; t++) termOfNew[t] = k - start;
            var aG = new double[node.Length];
            var aArr = aBlocks.ToArray();
            for (int x = 0; x < node.Length; x++) aG[x] = aArr[gatherBlock[x]][gatherIndex[x]];
            var stagingA = new List<(double[], int[])>();
            int si = 0;
            for (int j = start; j <= k; j++)
            {
                for (int i = j; i <= k; i++)
                {
                    var values = a[i, j] switch
                    {
                        BlockDiagonalBlock d => d.Values,
                        SparseBlock sb => sb.Values,
                        DenseBlock m => m.Values,
                        var other => throw new NotSupportedException(other.Kind.ToString()),
                    };
                    stagingA.Add((values, stagingList[si++].Item2));
                }
            }
            var assembly = ScalarTailAssembly.Create(factor, termOfNew, ((BlockDiagonalBlock)a[0, 0]).Values,
                columnStart, node, aG, stagingList.Count == stagingA.Count ? stagingA : throw new InvalidOperationException());
            return new SupernodalTail(factor, start, k, termOffset, [.. stagingList], [.. wBlocks], columnStart,
                gatherBlock, gatherIndex, [], maxColumn) { _scalar = assembly };
        }
        var dest = new int[pairs];
        {
            long pd = 0;
            for (int col = 0; col < columnCount; col++)
            {
                int s0 = columnStart[col], len = columnStart[col + 1] - s0;
                int m = len * (len + 1) / 2;
                factor.CliquePositions(node.AsSpan(s0, len), dest.AsSpan((int)pd, m));
                pd += m;
            }
        }
        return new SupernodalTail(factor, start, k, termOffset, [.. stagingList], [.. wBlocks], columnStart,
            gatherBlock, gatherIndex, dest, maxColumn);
    }

    private static bool SameLayout(Block a, Block l) => (a, l) switch
    {
        (BlockDiagonalBlock x, BlockDiagonalBlock y) => x.Values.Length == y.Values.Length && x.Q == y.Q,
        (SparseBlock x, SparseBlock y) => x.Values.Length == y.Values.Length
            && x.ColumnStart.AsSpan().SequenceEqual(y.ColumnStart) && x.RowLevel.AsSpan().SequenceEqual(y.RowLevel),
        (DenseBlock x, DenseBlock y) => x.Rows == y.Rows && x.Columns == y.Columns && x.Values.Length == y.Values.Length,
        _ => false,
    };

    /// <summary>True when the scalar fast path is available (first and trailing terms scalar, J = 1).</summary>
    public bool HasScalarProducts => _scalar is not null;

    /// <summary>
    /// Evaluation without the left blocks: L₀₀ = √(λ₀² d + 1) and S assembled from A directly
    /// (<see cref="ScalarTailAssembly"/>), then factored. Returns −1 on success (else the failing column) and
    /// Σ log diag L₀₀.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int Fail, double LogDiagonalLeft) FastAssembleAndFactor(double lambda0, Func<int, double> lambdaOfTerm)
    {
        var ts = _termLambda;
        for (int t = _start; t < _k; t++) ts[t - _start] = lambdaOfTerm(t);
        ts[_k - _start] = 1;
        double logLeft = _scalar!.Prepare(lambda0, ts);
        int fail = _scalar.AssembleAndFactor();
        return (fail, 0.5 * logLeft);
    }
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddStaging(double[] values)
    {
        foreach (var (block, dest) in _staging)
        {
            var src = block switch
            {
                BlockDiagonalBlock d => d.Values,
                SparseBlock s => s.Values,
                DenseBlock m => m.Values,
                _ => throw new NotSupportedException(block.Kind.ToString()),
            };
            for (int x = 0; x < dest.Length; x++)
            {
                int p = dest[x];
                if (p >= 0) values[p] += src[x];
            }
        }
    }

    private static void ForEachEntry(SparseBlock s, Action<int, int, int> action)
    {
        for (int c = 0; c < s.ColumnLevels; c++)
        {
            for (int e = s.ColumnStart[c]; e < s.ColumnStart[c + 1]; e++) action(e, s.RowLevel[e], c);
        }
    }

    private static int[] StagingDestinations(SupernodalFactor factor, Block block, int i, int j, int k, int nz, Func<int, int> off)
    {
        switch (block)
        {
            case BlockDiagonalBlock d:
            {
                int q = d.Q;
                var dest = new int[d.Values.Length];
                for (int g = 0; g < d.Levels; g++)
                {
                    for (int c = 0; c < q; c++)
                    {
                        for (int r = 0; r < q; r++)
                        {
                            dest[g * q * q + c * q + r] = r >= c ? factor.PositionOld(off(i) + g * q + r, off(i) + g * q + c) : -1;
                        }
                    }
                }
                return dest;
            }
            case SparseBlock s:
            {
                var dest = new int[s.Values.Length];
                int size = s.EntrySize;
                ForEachEntry(s, (e, rl, cl) =>
                {
                    for (int c = 0; c < s.ColumnQ; c++)
                    {
                        for (int r = 0; r < s.RowQ; r++)
                        {
                            dest[e * size + c * s.RowQ + r] = factor.PositionOld(off(i) + rl * s.RowQ + r, off(j) + cl * s.ColumnQ + c);
                        }
                    }
                });
                return dest;
            }
            case DenseBlock m when i == k && j == k:
            {
                var dest = new int[m.Values.Length];
                for (int c = 0; c < m.Columns; c++)
                {
                    for (int r = 0; r < m.Rows; r++) dest[c * m.Rows + r] = r >= c ? factor.PositionOld(nz + r, nz + c) : -1;
                }
                return dest;
            }
            case DenseBlock m when i == k:
            {
                var dest = new int[m.Values.Length];
                for (int c = 0; c < m.Columns; c++)
                {
                    for (int r = 0; r < m.Rows; r++) dest[c * m.Rows + r] = factor.PositionOld(nz + r, off(j) + c);
                }
                return dest;
            }
            default:
                throw new NotSupportedException($"no supernodal assembly for a {block.Kind} block L[{i},{j}]");
        }
    }

    /// <summary>Assembles S from the scaled staging blocks and the left block columns, and factors it.</summary>
    /// <returns>−1 on success, else the failing column (new index).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AssembleAndFactor(double lambda0, Func<int, double> lambdaOfTerm)
    {
        if (_scalar is not null) return FastAssembleAndFactor(lambda0, lambdaOfTerm).Fail;
        var values = _factor.Values;
        Array.Clear(values);
        AddStaging(values);
        var v = _gathered;
        var gb = _gatherBlock;
        var gi = _gatherIndex;
        var pd = _pairDest;
        var w = _wValues;
        long x0 = 0;
        for (int col = 0; col + 1 < _columnStart.Length; col++)
        {
            int s0 = _columnStart[col], len = _columnStart[col + 1] - s0;
            for (int t = 0; t < len; t++) v[t] = w[gb[s0 + t]][gi[s0 + t]];
            for (int b = 0; b < len; b++)
            {
                double vb = v[b];
                if (vb == 0)
                {
                    x0 += len - b;
                    continue;
                }
                for (int a = b; a < len; a++) values[pd[x0++]] -= v[a] * vb;
            }
        }
        return _factor.Factor();
    }
}
