using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Models.Internals;

/// <summary>
/// Assembly of the supernodal tail S = (Λᵀ A Λ + I)[J.., J..] − W Wᵀ when every term is scalar and J = 1
/// (InstEval: students, then lecturers and departments), without forming W. Column c of W is A's row c restricted
/// to the tail, times λ of each node's term (1 for [X y]), times λ₀ / √(λ₀² d_c + 1) with d_c = A₀₀[c, c]. So
/// <code>S[r, j] = λ_r λ_j (A[r, j] − Σ_c f_c A[c, r] A[c, j]) + δ_rj,   f_c = λ₀² / (λ₀² d_c + 1),</code>
/// with δ the identity on the random-effects nodes. S is assembled one column of the factor's storage at a time:
/// the column's stored values are written in place (L1-resident), from A's entries of that column and, for each
/// level c with A[c, j] ≠ 0 (in increasing c), the products with c's entries at rows ≥ j. Every column is computed
/// by one thread with a fixed sequence of operations, so the result is the same bits with any number of threads.
/// </summary>
internal sealed class ScalarTailAssembly
{
    private readonly SupernodalFactor _factor;
    private readonly int _n;
    private readonly int _nz;
    private readonly int[] _nodeTerm;      // tail term of each new index (the last is [X y])
    private readonly double[] _diag00;     // d_c
    private readonly int[] _levelStart;    // entries of level c: [_levelStart[c], _levelStart[c + 1]), rows increasing
    private readonly Entry[] _entries;     // new row index and A[c, row] of each entry
    private readonly int[] _columnStart;   // per new column j: the pairs [_columnStart[j], _columnStart[j + 1])
    private readonly int[] _pairLevel;     // level c of the pair
    private readonly int[] _pairEntry;     // the entry of (c, j) in level c's list
    private readonly int[] _stagingStart;  // per new column j: A's own entries [_stagingStart[j], _stagingStart[j + 1])
    private readonly int[] _stagingPosition;
    private readonly double[] _stagingValue;
    private readonly double[] _negF;       // −f_c at the current θ
    private readonly double[] _rowScale;   // λ of each new index's term at the current θ
    private readonly AssemblyJob _job;

    private ScalarTailAssembly(SupernodalFactor factor, int[] nodeTerm, double[] diag00, int[] levelStart,
        int[] levelRow, double[] levelValue, int[] columnStart, int[] pairLevel, int[] pairEntry, int[] stagingStart,
        int[] stagingPosition, double[] stagingValue)
    {
        _factor = factor;
        _n = factor.Order;
        _nz = factor.RandomEffectNodes;
        _nodeTerm = nodeTerm;
        _diag00 = diag00;
        _levelStart = levelStart;
        _entries = new Entry[levelRow.Length];
        for (int x = 0; x < levelRow.Length; x++) _entries[x] = new Entry(levelValue[x], levelRow[x]);
        _columnStart = columnStart;
        _pairLevel = pairLevel;
        _pairEntry = pairEntry;
        _stagingStart = stagingStart;
        _stagingPosition = stagingPosition;
        _stagingValue = stagingValue;
        _negF = new double[diag00.Length];
        _rowScale = new double[_n];
        _job = new AssemblyJob(this);
    }

    /// <summary>Products of level entries summed at each assembly.</summary>
    public long ProductCount { get; private init; }

    /// <summary>
    /// Builds the level lists and the column pairs.
    /// </summary>
    /// <param name="factor">The symbolic factor (positions).</param>
    /// <param name="nodeTerm">Tail term (0-based from J; the last is [X y]) of each new index.</param>
    /// <param name="diag00">d_c: A₀₀'s diagonal.</param>
    /// <param name="levelStart">Per level c: its entries [levelStart[c], levelStart[c + 1]).</param>
    /// <param name="node">New index of each entry, increasing within a level.</param>
    /// <param name="aValue">A's value of each entry (A[c, node]).</param>
    /// <param name="staging">A's blocks of the tail with the positions of their values (−1: not stored).</param>
    public static ScalarTailAssembly Create(SupernodalFactor factor, int[] nodeTerm, double[] diag00,
        int[] levelStart, int[] node, double[] aValue, IReadOnlyList<(double[] Values, int[] Dest)> staging)
    {
        int n = factor.Order;
        int levels = levelStart.Length - 1;

        // pairs (c, entry) per column, c increasing
        var columnStart = new int[n + 1];
        foreach (int j in node) columnStart[j + 1]++;
        for (int j = 0; j < n; j++) columnStart[j + 1] += columnStart[j];
        var pairLevel = new int[node.Length];
        var pairEntry = new int[node.Length];
        var fill = (int[])columnStart.Clone();
        long products = 0;
        for (int c = 0; c < levels; c++)
        {
            for (int x = levelStart[c]; x < levelStart[c + 1]; x++)
            {
                int at = fill[node[x]]++;
                pairLevel[at] = c;
                pairEntry[at] = x;
                products += levelStart[c + 1] - x;
            }
        }

        // A's own entries per column (positions are absolute in the factor's values)
        var positionColumn = new int[checked((int)factor.StoredEntries)];
        for (int s = 0; s < factor.SupernodeCount; s++)
        {
            var (first, width, ld, offset) = factor.SupernodeLayout(s);
            for (int j = 0; j < width; j++) positionColumn.AsSpan(offset + j * ld, ld).Fill(first + j);
        }
        var stagingStart = new int[n + 1];
        foreach (var (values, dest) in staging)
        {
            for (int x = 0; x < dest.Length; x++)
            {
                if (dest[x] >= 0 && values[x] != 0) stagingStart[positionColumn[dest[x]] + 1]++;
            }
        }
        for (int j = 0; j < n; j++) stagingStart[j + 1] += stagingStart[j];
        var stagingPosition = new int[stagingStart[n]];
        var stagingValue = new double[stagingStart[n]];
        fill = (int[])stagingStart.Clone();
        foreach (var (values, dest) in staging)
        {
            for (int x = 0; x < dest.Length; x++)
            {
                if (dest[x] < 0 || values[x] == 0) continue;
                int at = fill[positionColumn[dest[x]]]++;
                stagingPosition[at] = dest[x];
                stagingValue[at] = values[x];
            }
        }

        return new ScalarTailAssembly(factor, nodeTerm, diag00, levelStart, node, aValue, columnStart, pairLevel,
            pairEntry, stagingStart, stagingPosition, stagingValue) { ProductCount = products };
    }

    /// <summary>
    /// Sets λ₀ and the λ of each tail term (<paramref name="termLambda"/>, the last one 1 for [X y]) for the
    /// assemblies that follow; returns Σ_c log(λ₀² d_c + 1) = log|L₀₀|².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Prepare(double lambda0, ReadOnlySpan<double> termLambda)
    {
        double l2 = lambda0 * lambda0;
        double logDet = 0;
        var d = _diag00;
        for (int c = 0; c < d.Length; c++)
        {
            double dc = l2 * d[c] + 1;
            _negF[c] = -l2 / dc;
            logDet += Math.Log(dc);
        }
        for (int j = 0; j < _n; j++) _rowScale[j] = termLambda[_nodeTerm[j]];
        return logDet;
    }

    /// <summary>
    /// Assembles S into the factor's values (after <see cref="Prepare"/>) and factors it: the columns of the last
    /// supernode (the root) are assembled by one worker while the other assembles the remaining columns and factors
    /// their supernodes; then the root is updated and factored. The factor's operations are those of one
    /// sequential call, and each column is assembled by one thread: the same bits with any number of threads.
    /// </summary>
    /// <returns>−1 on success, else the new column whose pivot failed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AssembleAndFactor()
    {
        int root = _factor.SupernodeCount - 1;
        int rootFirst = _factor.SupernodeLayout(root).First;
        if (rootFirst == 0)
        {
            AssembleColumns(0, _n, _job.Map(0));
            return _factor.Factor();
        }
        _job.Next = 0;
        _job.Fail = -1;
        _job.RootFirst = rootFirst;
        WorkerTeam.Run(_job, KernelOptions.DefaultThreads);
        if (_job.Fail >= 0) return _job.Fail;
        return _factor.Factor(root, root + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void AssembleColumns(int from, int to, int[] map)
    {
        var values = _factor.Values;
        ref double v0 = ref MemoryMarshal.GetArrayDataReference(values);
        ref int map0 = ref MemoryMarshal.GetArrayDataReference(map);
        int s = _factor.OwnerOf(from);
        while (true)
        {
            var (first, width, ld, offset) = _factor.SupernodeLayout(s);
            var rows = _factor.SupernodeRows(s);
            for (int i = 0; i < ld; i++) map[rows[i]] = i;
            int j0 = Math.Max(from, first), j1 = Math.Min(to, first + width);
            for (int j = j0; j < j1; j++)
            {
                int b = offset + (j - first) * ld;
                var col = values.AsSpan(b, ld);
                col.Clear();
                for (int q = _stagingStart[j]; q < _stagingStart[j + 1]; q++) values[_stagingPosition[q]] += _stagingValue[q];
                ref double cb = ref Unsafe.Add(ref v0, b);
                int q0 = _columnStart[j], q1 = _columnStart[j + 1];
                for (int q = q0; q < (SkipProducts ? q0 : q1); q++)
                {
                    if (Sse.IsSupported && q + Lookahead < q1)
                    {
                        int xa = _pairEntry[q + Lookahead];
                        fixed (Entry* pe = &_entries[xa]) Sse.Prefetch0(pe);
                    }
                    int c = _pairLevel[q];
                    int x0 = _pairEntry[q], x1 = _levelStart[c + 1];
                    ref Entry e0 = ref MemoryMarshal.GetArrayDataReference(_entries);
                    double g = _negF[c] * Unsafe.Add(ref e0, x0).Value;
                    for (int x = x0; x < x1; x++)
                    {
                        ref Entry e = ref Unsafe.Add(ref e0, x);
                        Unsafe.Add(ref cb, Unsafe.Add(ref map0, e.Row)) += g * e.Value;
                    }
                }
                double sj = _rowScale[j];
                for (int i = 0; i < ld; i++) col[i] *= _rowScale[rows[i]] * sj;
                if (j < _nz) col[j - first] += 1;
            }
            if (first + width >= to) break;
            s++;
        }
    }

    private const int Lookahead = 4;
    internal static bool SkipProducts = Environment.GetEnvironmentVariable("SKIPP") == "1";

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Entry(double Value, int Row);

    private sealed class AssemblyJob(ScalarTailAssembly owner) : KernelJob
    {
        public int Next;
        public int Fail;
        public int RootFirst;
        private readonly int[][] _maps = new int[KernelOptions.DefaultThreads][];

        public int[] Map(int worker) => _maps[worker] ??= new int[owner._n];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            while (true)
            {
                int item = Interlocked.Increment(ref Next) - 1;
                if (item >= 2) return;
                Claimed(worker);
                if (item == 0)
                {
                    // item 0: the columns before the root, then their supernodes
                    owner.AssembleColumns(0, RootFirst, Map(worker));
                    Fail = owner._factor.Factor(0, owner._factor.SupernodeCount - 1);
                }
                else
                {
                    owner.AssembleColumns(RootFirst, owner._n, Map(worker));
                }
            }
        }
    }
}
