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

        // ---- pattern (random-effects nodes only; [X y] is dense and last) ----
        var edges = new List<(int, int)>();
        for (int i = start; i < k; i++)
        {
            var diag = (BlockDiagonalBlock)a[i, i];
            int q = diag.Q;
            for (int g = 0; g < diag.Levels; g++)
            {
                for (int r = 0; r < q; r++)
                {
                    for (int c = 0; c < r; c++) edges.Add((Off(i) + g * q + r, Off(i) + g * q + c));
                }
            }
            for (int j = start; j < i; j++)
            {
                var s = (SparseBlock)a[i, j];
                ForEachEntry(s, (e, rl, cl) =>
                {
                    for (int r = 0; r < s.RowQ; r++)
                    {
                        for (int c = 0; c < s.ColumnQ; c++) edges.Add((Off(i) + rl * s.RowQ + r, Off(j) + cl * s.ColumnQ + c));
                    }
                });
            }
        }
        // products W Wᵀ: per column level of each left term, the nodes it touches form a clique
        long pairs = 0;
        var columns = new List<List<(int Node, int Block, int Index)>>();
        var wBlocks = new List<double[]>();
        var aBlocks = new List<double[]>();
        for (int c = 0; c < start; c++)
        {
            int qc = Q(c);
            int levels = a.Layout.Terms[c].Levels;
            var perLevel = new List<(int Node, int Block, int Index)>[levels * qc];
            for (int x = 0; x < perLevel.Length; x++) perLevel[x] = [];
            for (int i = start; i < k; i++)
            {
                var s = (SparseBlock)left(i, c);
                int bi = wBlocks.Count;
                wBlocks.Add(s.Values);
                aBlocks.Add(((SparseBlock)a[i, c]).Values);
                int size = s.EntrySize;
                ForEachEntry(s, (e, rl, cl) =>
                {
                    for (int u = 0; u < qc; u++)
                    {
                        for (int t = 0; t < s.RowQ; t++) perLevel[cl * qc + u].Add((Off(i) + rl * s.RowQ + t, bi, e * size + u * s.RowQ + t));
                    }
                });
            }
            var xy = (DenseBlock)left(k, c);
            int bx = wBlocks.Count;
            wBlocks.Add(xy.Values);
            aBlocks.Add(((DenseBlock)a[k, c]).Values);
            for (int col = 0; col < levels * qc; col++)
            {
                var list = perLevel[col];
                for (int x = 0; x < list.Count; x++)
                {
                    for (int y = 0; y < x; y++) edges.Add((list[x].Node, list[y].Node));
                }
                for (int t = 0; t < p1; t++) list.Add((nz + t, bx, col * p1 + t));
                pairs += (long)list.Count * (list.Count + 1) / 2;
                columns.Add(list);
            }
        }
        if (pairs > 40_000_000) return null;

        var factor = SupernodalFactor.Analyze(nz, p1, edges);
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

        // ---- product positions ----
        var columnStart = new int[columns.Count + 1];
        var gatherBlock = new List<int>();
        var gatherIndex = new List<int>();
        var dest = new int[pairs];
        long pd = 0;
        int maxColumn = 0;
        for (int col = 0; col < columns.Count; col++)
        {
            var list = columns[col];
            list.Sort((x, y) => factor.NewIndex(x.Node).CompareTo(factor.NewIndex(y.Node)));
            columnStart[col + 1] = columnStart[col] + list.Count;
            maxColumn = Math.Max(maxColumn, list.Count);
            foreach (var entry in list)
            {
                gatherBlock.Add(entry.Block);
                gatherIndex.Add(entry.Index);
            }
            for (int b = 0; b < list.Count; b++)
            {
                for (int x = b; x < list.Count; x++) dest[pd++] = factor.PositionOld(list[x].Node, list[b].Node);
            }
        }
        var tail = new SupernodalTail(factor, start, k, termOffset, [.. stagingList], [.. wBlocks], columnStart,
            [.. gatherBlock], [.. gatherIndex], dest, maxColumn);
        bool scalar = start == 1 && Enumerable.Range(0, k).All(t => Q(t) == 1);
        if (scalar)
        {
            int TermOfNode(int node)
            {
                if (node >= nz) return k;
                int t = start;
                while (t + 1 < k && node >= Off(t + 1)) t++;
                return t;
            }
            var counts = new int[factor.Values.Length];
            foreach (int d in dest) counts[d]++;
            var destinations = new List<int>();
            var index = new int[counts.Length];
            var startOf = new List<int> { 0 };
            for (int d = 0; d < counts.Length; d++)
            {
                if (counts[d] == 0) continue;
                index[d] = destinations.Count;
                destinations.Add(d);
                startOf.Add(startOf[^1] + counts[d]);
            }
            var fill = startOf.Take(destinations.Count).ToArray();
            var coef = new double[dest.Length];
            var colOf = new int[dest.Length];
            var cls = new int[destinations.Count];
            var aVals = aBlocks.ToArray();
            long x0 = 0;
            for (int col = 0; col < columns.Count; col++)
            {
                var list = columns[col];
                for (int b = 0; b < list.Count; b++)
                {
                    for (int x = b; x < list.Count; x++)
                    {
                        int dd = dest[x0++];
                        int slot = fill[index[dd]]++;
                        coef[slot] = aVals[list[x].Block][list[x].Index] * aVals[list[b].Block][list[b].Index];
                        colOf[slot] = col;
                        int ta = TermOfNode(list[x].Node), tb = TermOfNode(list[b].Node);
                        cls[index[dd]] = Math.Min(ta, tb) * (k + 1) + Math.Max(ta, tb);
                    }
                }
            }
            var classTerms = cls.Distinct().ToArray();
            var classIndex = classTerms.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
            for (int x = 0; x < cls.Length; x++) cls[x] = classIndex[cls[x]];
            tail._scalar = new ScalarProducts(((BlockDiagonalBlock)a[0, 0]).Values, [.. destinations], [.. startOf], coef, colOf, cls, classTerms);
        }
        return tail;
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
    public int AssembleAndFactor()
    {
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
