using System.Runtime.CompilerServices;
using Multilevel.Numerics;
using Multilevel.Numerics.Internals;

namespace Multilevel.Models.Internals;

/// <summary>
/// A sparse Cholesky factor, supernodal and left-looking, for the trailing part of L that fills in when grouping
/// factors are crossed (InstEval: lecturers after students). Nodes are the random effects of the trailing terms
/// followed by the p + 1 columns of [X y]; the random effects are put in minimum-degree order (computed once),
/// [X y] stays last, so the deviance reads off the same diagonal as in the dense case. Columns with nested
/// patterns form supernodes stored as dense column-major panels; each panel is updated by the panels of its
/// descendants (one GEMM each), factored (Cholesky) and divided (TRSM) with <see cref="DenseKernels"/>.
/// </summary>
internal sealed class SupernodalFactor
{
    private readonly int _n;
    private readonly int _nz;
    private readonly int[] _newOf;     // old → new
    private readonly int[] _oldOf;     // new → old
    private readonly int[] _first;     // supernode s owns new columns [_first[s], _first[s+1])
    private readonly int[][] _rows;    // new row indices of supernode s: its columns first, then rows below
    private readonly int[] _offset;    // start of supernode s in _values
    private readonly int[] _owner;     // new column → supernode
    private readonly double[] _values;
    private readonly int _maxRows;
    private readonly int _maxWidth;

    // per-evaluation scratch
    private readonly int[] _map;
    private readonly int[] _head;
    private readonly int[] _next;
    private readonly int[] _pos;
    private readonly double[] _c;
    private readonly int[] _rel;
    private readonly int[] _rootUpdates;
    private readonly RootJob _rootJob;

    private SupernodalFactor(int n, int nz, int[] newOf, int[] oldOf, int[] first, int[][] rows)
    {
        _n = n;
        _nz = nz;
        _newOf = newOf;
        _oldOf = oldOf;
        _first = first;
        _rows = rows;
        int s = rows.Length;
        _offset = new int[s + 1];
        _owner = new int[n];
        for (int k = 0; k < s; k++)
        {
            int w = first[k + 1] - first[k];
            _offset[k + 1] = checked(_offset[k] + rows[k].Length * w);
            for (int j = first[k]; j < first[k + 1]; j++) _owner[j] = k;
            _maxRows = Math.Max(_maxRows, rows[k].Length);
            _maxWidth = Math.Max(_maxWidth, w);
        }
        _values = new double[_offset[s]];
        _map = new int[n];
        _head = new int[s];
        _next = new int[s];
        _pos = new int[s];
        _c = new double[(long)_maxRows * _maxWidth];
        _rel = new int[_maxRows];
        _rootUpdates = new int[s];
        _rootJob = new RootJob(this);
    }

    /// <summary>Order of the factored matrix.</summary>
    public int Order => _n;

    /// <summary>Number of random-effects nodes (the rest are [X y]).</summary>
    public int RandomEffectNodes => _nz;

    /// <summary>Stored entries (including explicit zeros of amalgamated supernodes).</summary>
    public long StoredEntries => _values.Length;

    /// <summary>Number of supernodes.</summary>
    public int SupernodeCount => _rows.Length;

    /// <summary>Multiply-adds of one factorisation (Σ over columns of the squared count below the diagonal).</summary>
    public double FactorWork { get; private set; }

    /// <summary>The new index of an old node.</summary>
    public int NewIndex(int old) => _newOf[old];

    /// <summary>The stored values (for assembly by position).</summary>
    public double[] Values => _values;

    /// <summary>
    /// The symbolic analysis: minimum-degree order of the random-effects nodes from their adjacency (edges between
    /// old indices &lt; nz), [X y] last, postorder of the elimination tree, supernodes (fundamental, then adjacent
    /// ones merged while the explicit zeros stay few).
    /// </summary>
    public static SupernodalFactor Analyze(int nz, int p1, MinimumDegreeOrdering.Graph graph)
    {
        int n = nz + p1;
        var (order, structure) = MinimumDegreeOrdering.Order(graph);
        var newOf = new int[n];
        for (int k = 0; k < nz; k++) newOf[order[k]] = k;
        for (int t = 0; t < p1; t++) newOf[nz + t] = nz + t;

        // column structures in the elimination order (rows below the diagonal, sorted)
        var below = new int[n][];
        for (int k = 0; k < nz; k++)
        {
            var s = structure[order[k]];
            var r = new int[s.Length + p1];
            for (int i = 0; i < s.Length; i++) r[i] = newOf[s[i]];
            Array.Sort(r, 0, s.Length);
            for (int t = 0; t < p1; t++) r[s.Length + t] = nz + t;
            below[k] = r;
        }
        for (int t = 0; t < p1; t++) below[nz + t] = [.. Enumerable.Range(nz + t + 1, p1 - t - 1)];

        // postorder of the elimination tree (children in increasing order); [X y] stay last
        var parent = new int[n];
        for (int j = 0; j < n; j++) parent[j] = below[j].Length > 0 ? below[j][0] : -1;
        var post = Postorder(parent, n);
        var renumber = new int[n];
        for (int k = 0; k < n; k++) renumber[post[k]] = k;
        var rowsOf = new int[n][];
        for (int j = 0; j < n; j++)
        {
            var r = below[j];
            var m = new int[r.Length];
            for (int i = 0; i < r.Length; i++) m[i] = renumber[r[i]];
            Array.Sort(m);
            rowsOf[renumber[j]] = m;
        }
        var finalNew = new int[n];
        for (int old = 0; old < n; old++) finalNew[old] = renumber[newOf[old]];
        var oldOf = new int[n];
        for (int old = 0; old < n; old++) oldOf[finalNew[old]] = old;
        var newParent = new int[n];
        var childCount = new int[n];
        for (int j = 0; j < n; j++)
        {
            newParent[j] = rowsOf[j].Length > 0 ? rowsOf[j][0] : -1;
            if (newParent[j] >= 0) childCount[newParent[j]]++;
        }

        // fundamental supernodes
        var starts = new List<int> { 0 };
        for (int j = 1; j < n; j++)
        {
            bool chain = newParent[j - 1] == j && childCount[j] == 1 && rowsOf[j - 1].Length == rowsOf[j].Length + 1;
            if (!chain) starts.Add(j);
        }
        starts.Add(n);

        // relaxed amalgamation (CHOLMOD's rule, about twice as permissive: on InstEval the wider panels cost fewer
        // scattered updates than their explicit zeros cost flops): merge a supernode into the next one when that is
        // its parent and the explicit zeros stay few for the merged width
        var merged = new List<(int First, int End, int Rows, long Zeros)>();
        for (int g = 0; g + 1 < starts.Count; g++)
        {
            int f = starts[g], e = starts[g + 1];
            var grp = (First: f, End: e, Rows: e - f + rowsOf[e - 1].Length, Zeros: 0L);
            if (merged.Count > 0)
            {
                var prev = merged[^1];
                if (newParent[prev.End - 1] == grp.First)
                {
                    int wPrev = prev.End - prev.First, w = grp.End - grp.First;
                    int width = wPrev + w;
                    long ldMerged = wPrev + grp.Rows;
                    long storedMerged = Trapezoid(ldMerged, width);
                    long zeros = prev.Zeros + grp.Zeros + storedMerged - Trapezoid(prev.Rows, wPrev) - Trapezoid(grp.Rows, w);
                    double fraction = (double)zeros / storedMerged;
                    bool merge = width <= 8 || (width <= 32 && fraction < 0.8) || (width <= 96 && fraction < 0.3) || fraction < 0.1;
                    if (merge)
                    {
                        merged[^1] = (prev.First, grp.End, (int)ldMerged, zeros);
                        continue;
                    }
                }
            }
            merged.Add(grp);
        }

        var first = new int[merged.Count + 1];
        var rows = new int[merged.Count][];
        for (int s = 0; s < merged.Count; s++)
        {
            var (f, e, _, _) = merged[s];
            first[s] = f;
            // rows: the columns, then the union of what lies below
            var set = new HashSet<int>();
            for (int j = f; j < e; j++)
            {
                foreach (int r in rowsOf[j])
                {
                    if (r >= e) set.Add(r);
                }
            }
            var below2 = set.ToArray();
            Array.Sort(below2);
            var r2 = new int[e - f + below2.Length];
            for (int j = f; j < e; j++) r2[j - f] = j;
            below2.CopyTo(r2, e - f);
            rows[s] = r2;
        }
        first[merged.Count] = n;
        var factor = new SupernodalFactor(n, nz, finalNew, oldOf, first, rows);
        double work = 0;
        for (int j = 0; j < n; j++) work += (double)rowsOf[j].Length * rowsOf[j].Length;
        factor.FactorWork = work;
        return factor;
    }

    private static long Trapezoid(long ld, int width) => ld * width - (long)width * (width - 1) / 2;

    private static int[] Postorder(int[] parent, int n)
    {
        var firstChild = new int[n];
        var nextSibling = new int[n];
        Array.Fill(firstChild, -1);
        Array.Fill(nextSibling, -1);
        for (int j = n - 1; j >= 0; j--)
        {
            int p = parent[j];
            if (p >= 0)
            {
                nextSibling[j] = firstChild[p];
                firstChild[p] = j;
            }
        }
        var post = new int[n];
        int k = 0;
        var stack = new Stack<(int Node, bool Expanded)>();
        for (int root = n - 1; root >= 0; root--)
        {
            if (parent[root] >= 0) continue;
            stack.Push((root, false));
        }
        // roots were pushed in decreasing order, so the lowest root is visited first
        while (stack.Count > 0)
        {
            var (v, expanded) = stack.Pop();
            if (expanded)
            {
                post[k++] = v;
                continue;
            }
            stack.Push((v, true));
            var children = new List<int>();
            for (int c = firstChild[v]; c >= 0; c = nextSibling[c]) children.Add(c);
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((children[i], false));
        }
        return post;
    }

    /// <summary>Position in <see cref="Values"/> of L(row, col) (new indices, row ≥ col), or −1 if not stored.</summary>
    public int Position(int row, int col)
    {
        if (row < col) (row, col) = (col, row);
        int s = _owner[col];
        var r = _rows[s];
        int i = Array.BinarySearch(r, row);
        if (i < 0) return -1;
        return _offset[s] + (col - _first[s]) * r.Length + i;
    }

    /// <summary>
    /// Positions of L(rows[x], rows[b]) for all x ≥ b of a list of new indices sorted increasingly (a clique),
    /// written to <paramref name="destination"/> in (b, x ≥ b) order.
    /// </summary>
    public void CliquePositions(ReadOnlySpan<int> rows, Span<int> destination)
    {
        int t = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            int col = rows[b];
            int s = _owner[col];
            var r = _rows[s];
            int baseOff = _offset[s] + (col - _first[s]) * r.Length;
            int lo = col - _first[s];
            for (int x = b; x < rows.Length; x++)
            {
                int i = Array.BinarySearch(r, lo, r.Length - lo, rows[x]);
                if (i < 0) throw new InvalidOperationException("an entry of the assembled matrix lies outside the symbolic pattern");
                destination[t++] = baseOff + i;
                lo = i + 1;
            }
        }
    }

    /// <summary>Position of the (old) pair; the pair must lie in the pattern.</summary>
    public int PositionOld(int oldRow, int oldCol)
    {
        int p = Position(_newOf[oldRow], _newOf[oldCol]);
        if (p < 0) throw new InvalidOperationException("an entry of the assembled matrix lies outside the symbolic pattern");
        return p;
    }

    /// <summary>L(row, col) in new indices (0 if not stored).</summary>
    public double this[int row, int col]
    {
        get
        {
            int p = Position(row, col);
            return p < 0 ? 0 : _values[p];
        }
    }

    /// <summary>Sets every stored value to zero (before assembly).</summary>
    public void Clear() => Array.Clear(_values);

    /// <summary>Factors the assembled matrix in place; −1 on success, else the new column whose pivot failed.</summary>
    public int Factor() => Factor(0, _rows.Length);

    /// <summary>
    /// Factors supernodes [<paramref name="from"/>, <paramref name="to"/>) (in order; from 0 first, then the
    /// rest: the same operations as one call); −1 on success, else the new column whose pivot failed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Factor(int from, int to)
    {
        if (from == 0) Array.Fill(_head, -1);
        var values = _values.AsSpan();
        for (int s = from; s < to; s++)
        {
            var rs = _rows[s];
            int ld = rs.Length;
            int c0 = _first[s], c1 = _first[s + 1], w = c1 - c0;
            for (int i = 0; i < ld; i++) _map[rs[i]] = i;
            var panel = values.Slice(_offset[s], ld * w);
            if (s == _rows.Length - 1 && ld == w && w >= RootSplitMinimum && KernelOptions.DefaultThreads > 1 && !WorkerTeam.BackingOff)
            {
                // the root (rows = columns), when a second thread can help: its updates split by columns between
                // two workers (the same values as the sequential loop below; see FactorRoot)
                int rf = FactorRoot(s);
                if (rf >= 0) return rf;
                continue;
            }

            // updates from descendants whose next rows fall in this supernode's columns
            int d = _head[s];
            while (d >= 0)
            {
                int nextD = _next[d];
                var rd = _rows[d];
                int ldd = rd.Length;
                int wd = _first[d + 1] - _first[d];
                int p1 = _pos[d];
                int p2 = p1;
                while (p2 < ldd && rd[p2] < c1) p2++;
                int m = ldd - p1, nn = p2 - p1;
                var ld0 = values.Slice(_offset[d], ldd * wd);
                // local rows in this supernode of d's rows p1 .. ldd−1
                var rel = _rel.AsSpan(0, m);
                for (int i = 0; i < m; i++) rel[i] = _map[rd[p1 + i]];
                if (wd <= 4 || (long)m * nn * wd <= 512)
                {
                    // rank-wd update, one column of d at a time (contiguous reads)
                    for (int t = 0; t < wd; t++)
                    {
                        var lt = ld0.Slice(t * ldd + p1, m);
                        for (int j = 0; j < nn; j++)
                        {
                            double ljt = lt[j];
                            if (ljt == 0) continue;
                            var pc = panel.Slice((rd[p1 + j] - c0) * ld, ld);
                            for (int i = j; i < m; i++) pc[rel[i]] -= lt[i] * ljt;
                        }
                    }
                }
                else
                {
                    var c = _c.AsSpan(0, m * nn); // all zero: each use zeroes what it wrote
                    // the top nn × nn part is symmetric (lower triangle by SYRK); the rows below by GEMM
                    DenseKernels.SyrkLowerSubtract(nn, wd, ld0[p1..], ldd, c, m);
                    if (m > nn) DenseKernels.GemmNtSubtract(m - nn, nn, wd, ld0[(p1 + nn)..], ldd, ld0[p1..], ldd, c[nn..], m);
                    for (int j = 0; j < nn; j++)
                    {
                        var cj = c.Slice(j * m, m);
                        var pc = panel.Slice((rd[p1 + j] - c0) * ld, ld);
                        for (int i = j; i < m; i++)
                        {
                            pc[rel[i]] += cj[i];
                            cj[i] = 0;
                        }
                    }
                }
                _pos[d] = p2;
                if (p2 < ldd)
                {
                    int t = _owner[rd[p2]];
                    _next[d] = _head[t];
                    _head[t] = d;
                }
                d = nextD;
            }

            int fail = DenseKernels.CholeskyLower(panel, w, ld);
            if (fail >= 0) return c0 + fail;
            if (ld > w) DenseKernels.TrsmRightLowerTranspose(ld - w, w, panel, ld, panel[w..], ld);
            if (ld > w)
            {
                _pos[s] = w;
                int t = _owner[rs[w]];
                _next[s] = _head[t];
                _head[t] = s;
            }
        }
        return -1;
    }

    private const int RootSplitMinimum = 64;

    /// <summary>
    /// The root supernode when its rows are its columns: the updates of its descendants (in the list order of the
    /// sequential factor) applied in two column ranges of the root, one per item of the worker team (the first
    /// about 29 % of the columns, which hold half of the lower triangle), then the Cholesky factor. The split
    /// changes no value: each element receives the same descendants' updates in the same order, and the dense
    /// kernels sum each element in an order that does not depend on how the result is partitioned (the fit of
    /// InstEval gives the same bits with and without the split). It only costs the single-threaded case a little
    /// (smaller kernel calls), so it is used only when the worker team can run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FactorRoot(int s)
    {
        int updates = 0;
        for (int d = _head[s]; d >= 0; d = _next[d])
        {
            _rootUpdates[updates++] = d;
        }
        int w = _first[s + 1] - _first[s];
        _rootJob.Count = updates;
        _rootJob.Next = 0;
        _rootJob.Split = (int)(w * (1 - Math.Sqrt(0.5)));
        WorkerTeam.Run(_rootJob, KernelOptions.DefaultThreads);
        var panel = _values.AsSpan(_offset[s], w * w);
        int fail = DenseKernels.CholeskyLower(panel, w, w);
        return fail >= 0 ? _first[s] + fail : -1;
    }

    /// <summary>Applies the root's updates to its local columns [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateRootColumns(int s, int count, int lo, int hi, double[] scratch)
    {
        var values = _values.AsSpan();
        int r0 = _first[s], ld = _first[s + 1] - r0;
        var panel = values.Slice(_offset[s], ld * ld);
        for (int u = 0; u < count; u++)
        {
            int d = _rootUpdates[u];
            var rd = _rows[d];
            int ldd = rd.Length;
            int wd = _first[d + 1] - _first[d];
            int p1 = _pos[d];
            // d's rows p1 .. ldd − 1 are all in the root; those in columns [lo, hi) are qa .. qb − 1
            int qa = p1;
            while (qa < ldd && rd[qa] - r0 < lo) qa++;
            int qb = qa;
            while (qb < ldd && rd[qb] - r0 < hi) qb++;
            int m = ldd - qa, nn = qb - qa;
            if (nn == 0) continue;
            var ld0 = values.Slice(_offset[d], ldd * wd);
            if (wd <= 4 || (long)m * nn * wd <= 512)
            {
                for (int t = 0; t < wd; t++)
                {
                    var lt = ld0.Slice(t * ldd + qa, m);
                    for (int j = 0; j < nn; j++)
                    {
                        double ljt = lt[j];
                        if (ljt == 0) continue;
                        var pc = panel.Slice((rd[qa + j] - r0) * ld, ld);
                        for (int i = j; i < m; i++) pc[rd[qa + i] - r0] -= lt[i] * ljt;
                    }
                }
            }
            else
            {
                var c = scratch.AsSpan(0, m * nn); // all zero: each use zeroes what it wrote
                DenseKernels.SyrkLowerSubtract(nn, wd, ld0[qa..], ldd, c, m, KernelOptions.SingleThreaded);
                if (m > nn) DenseKernels.GemmNtSubtract(m - nn, nn, wd, ld0[(qa + nn)..], ldd, ld0[qa..], ldd, c[nn..], m, KernelOptions.SingleThreaded);
                for (int j = 0; j < nn; j++)
                {
                    var cj = c.Slice(j * m, m);
                    var pc = panel.Slice((rd[qa + j] - r0) * ld, ld);
                    for (int i = j; i < m; i++)
                    {
                        pc[rd[qa + i] - r0] += cj[i];
                        cj[i] = 0;
                    }
                }
            }
        }
    }

    private sealed class RootJob(SupernodalFactor owner) : KernelJob
    {
        public int Count;
        public int Next;
        public int Split;
        private readonly double[]?[] _scratch = new double[KernelOptions.DefaultThreads][];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Execute(int worker)
        {
            int s = owner._rows.Length - 1;
            int w = owner._first[s + 1] - owner._first[s];
            while (true)
            {
                int item = Interlocked.Increment(ref Next) - 1;
                if (item >= 2) return;
                Claimed(worker);
                var scratch = _scratch[worker] ??= new double[(long)owner._maxRows * owner._maxWidth];
                if (item == 0) owner.UpdateRootColumns(s, Count, 0, Split, scratch);
                else owner.UpdateRootColumns(s, Count, Split, w, scratch);
            }
        }
    }

    /// <summary>Σ log of the diagonal over new columns [from, to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LogDiagonal(int from, int to)
    {
        double s = 0;
        for (int j = from; j < to; j++) s += Math.Log(Diagonal(j));
        return s;
    }

    /// <summary>L(j, j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Diagonal(int j)
    {
        int s = _owner[j];
        int ld = _rows[s].Length;
        int local = j - _first[s];
        return _values[_offset[s] + local * ld + local];
    }

    /// <summary>x := L_Z⁻¹ x on the random-effects nodes (new order, x has at least nz elements).</summary>
    public void SolveLowerZ(Span<double> x, int startColumn = 0)
    {
        for (int s = _owner[Math.Min(startColumn, _n - 1)]; s < _rows.Length; s++)
        {
            var rs = _rows[s];
            int ld = rs.Length, c0 = _first[s], c1 = Math.Min(_first[s + 1], _nz);
            int off = _offset[s];
            for (int j = c0; j < c1; j++)
            {
                int lj = j - c0;
                double xj = x[j] / _values[off + lj * ld + lj];
                x[j] = xj;
                if (xj == 0) continue;
                for (int i = lj + 1; i < ld; i++)
                {
                    int r = rs[i];
                    if (r >= _nz) break;
                    x[r] -= _values[off + lj * ld + i] * xj;
                }
            }
            if (c1 >= _nz) break;
        }
    }

    /// <summary>x := L_Z⁻ᵀ x on the random-effects nodes (new order).</summary>
    public void SolveLowerTransposeZ(Span<double> x)
    {
        for (int s = _rows.Length - 1; s >= 0; s--)
        {
            var rs = _rows[s];
            int ld = rs.Length, c0 = _first[s], c1 = Math.Min(_first[s + 1], _nz);
            int off = _offset[s];
            for (int j = c1 - 1; j >= c0; j--)
            {
                int lj = j - c0;
                double sum = x[j];
                for (int i = lj + 1; i < ld; i++)
                {
                    int r = rs[i];
                    if (r >= _nz) break;
                    sum -= _values[off + lj * ld + i] * x[r];
                }
                x[j] = sum / _values[off + lj * ld + lj];
            }
        }
    }

    /// <summary>First column, width, number of rows and offset in <see cref="Values"/> of supernode s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int First, int Width, int Rows, int Offset) SupernodeLayout(int s) =>
        (_first[s], _first[s + 1] - _first[s], _rows[s].Length, _offset[s]);

    /// <summary>New row indices of supernode s (its columns first).</summary>
    public int[] SupernodeRows(int s) => _rows[s];

    /// <summary>The supernode that owns new column j.</summary>
    public int OwnerOf(int j) => _owner[j];

    /// <summary>Old index of a new one.</summary>
    public int OldIndex(int @new) => _oldOf[@new];
}
