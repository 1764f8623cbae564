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
    private ScalarProducts? _scalar;

    /// <summary>
    /// The products W Wᵀ when the first term and the trailing terms are scalar (InstEval): entry (a, b) from
    /// column c of W is λ₀² s_a s_b A_a A_b / (λ₀² d_c + 1), with s the λ of the node's term (1 for [X y]). Grouped
    /// by destination, the θ-free parts A_a A_b are summed with weights 1/(λ₀² d_c + 1) in one streaming pass.
    /// </summary>
    private sealed record ScalarProducts(double[] D, int[] Destination, int[] Start, double[] Coefficient, int[] Column, int[] Class, int[] ClassTerms)
    {
        public double[] Weights { get; } = new double[D.Length];
    }

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
        $"L[{_start}..{_k},{_start}..{_k}]=Supernodal(order {_factor.Order}, {_factor.SupernodeCount} supernodes, {_factor.StoredEntries} stored, minimum-degree order)";

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

        bool scalar = start == 1 && Enumerable.Range(0, k).All(t => Q(t) == 1);
        var tail = new SupernodalTail(factor, start, k, termOffset, [.. stagingList], [.. wBlocks], columnStart,
            gatherBlock, gatherIndex, scalar ? [] : dest, maxColumn);
        if (scalar) tail._scalar = BuildScalarProducts(a, factor, k, start, nz, termOffset, columnStart, node, gatherBlock, gatherIndex, [.. aBlocks], dest);
        return tail;
    }

    private static ScalarProducts BuildScalarProducts(GramMatrix a, SupernodalFactor factor, int k, int start, int nz, int[] termOffset,
        int[] columnStart, int[] node, int[] gatherBlock, int[] gatherIndex, double[][] aValues, int[] dest)
    {
        // term of each new node: [X y] → k
        var termOfNew = new int[factor.Order];
        for (int i = start; i < k; i++)
        {
            int off = termOffset[i - start];
            int m = a.Layout.Terms[i].Levels * a.Layout.Terms[i].Q;
            for (int t = 0; t < m; t++) termOfNew[factor.NewIndex(off + t)] = i;
        }
        for (int t = nz; t < factor.Order; t++) termOfNew[t] = k;

        var counts = new int[factor.Values.Length];
        foreach (int d in dest) counts[d]++;
        int distinct = 0;
        foreach (int c in counts)
        {
            if (c > 0) distinct++;
        }
        var destinations = new int[distinct];
        var startOf = new int[distinct + 1];
        var index = new int[counts.Length];
        for (int d = 0, t = 0; d < counts.Length; d++)
        {
            if (counts[d] == 0) continue;
            index[d] = t;
            destinations[t] = d;
            startOf[t + 1] = startOf[t] + counts[d];
            t++;
        }
        var fill = (int[])startOf.Clone();
        var coef = new double[dest.Length];
        var colOf = new int[dest.Length];
        var cls = new int[distinct];
        long x0 = 0;
        for (int col = 0; col + 1 < columnStart.Length; col++)
        {
            int s0 = columnStart[col], len = columnStart[col + 1] - s0;
            for (int b = 0; b < len; b++)
            {
                double ab = aValues[gatherBlock[s0 + b]][gatherIndex[s0 + b]];
                int tb = termOfNew[node[s0 + b]];
                for (int x = b; x < len; x++)
                {
                    int dd = dest[x0++];
                    int di = index[dd];
                    int slot = fill[di]++;
                    coef[slot] = aValues[gatherBlock[s0 + x]][gatherIndex[s0 + x]] * ab;
                    colOf[slot] = col;
                    int ta = termOfNew[node[s0 + x]];
                    cls[di] = Math.Min(ta, tb) * (k + 1) + Math.Max(ta, tb);
                }
            }
        }
        var classTerms = cls.Distinct().ToArray();
        var classIndex = classTerms.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        for (int x = 0; x < cls.Length; x++) cls[x] = classIndex[cls[x]];
        return new ScalarProducts(((BlockDiagonalBlock)a[0, 0]).Values, destinations, startOf, coef, colOf, cls, classTerms);
    }

    /// <summary>True when the scalar fast path is available (first and trailing terms scalar, J = 1).</summary>
    public bool HasScalarProducts => _scalar is not null;

    /// <summary>
    /// Evaluation without the left blocks: L₀₀ = √(λ₀² d + 1) and the products of W from A directly, then the
    /// assembled S is factored. Returns −1 on success (else the failing column) and Σ log diag L₀₀.
    /// </summary>
    public (int Fail, double LogDiagonalLeft) FastAssembleAndFactor(double lambda0, Func<int, double> lambdaOfTerm)
    {
        var sp = _scalar!;
        var values = _factor.Values;
        Array.Clear(values);
        AddStaging(values);
        var d = sp.D;
        var w = sp.Weights;
        double l2 = lambda0 * lambda0;
        double logLeft = 0;
        for (int c = 0; c < d.Length; c++)
        {
            double dc = l2 * d[c] + 1;
            w[c] = 1 / dc;
            logLeft += Math.Log(dc);
        }
        var scale = new double[sp.ClassTerms.Length];
        for (int x = 0; x < scale.Length; x++)
        {
            int ta = sp.ClassTerms[x] / (_k + 1), tb = sp.ClassTerms[x] % (_k + 1);
            double sa = ta == _k ? 1 : lambdaOfTerm(ta), sb = tb == _k ? 1 : lambdaOfTerm(tb);
            scale[x] = l2 * sa * sb;
        }
        var dest = sp.Destination;
        var start = sp.Start;
        var coef = sp.Coefficient;
        var col = sp.Column;
        var cls = sp.Class;
        for (int t = 0; t < dest.Length; t++)
        {
            double sum = 0;
            int e = start[t + 1];
            for (int x = start[t]; x < e; x++) sum += coef[x] * w[col[x]];
            values[dest[t]] -= scale[cls[t]] * sum;
        }
        return (_factor.Factor(), 0.5 * logLeft);
    }

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
