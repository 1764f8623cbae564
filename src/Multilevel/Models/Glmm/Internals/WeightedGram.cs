using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Multilevel.Design;
using Multilevel.Models.Internals;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// The Gram matrix [Z X ζ]ᵀ W [Z X ζ] of one PIRLS iteration (or [Z ζ]ᵀ W [Z ζ] when β is held fixed), rebuilt
/// in place from the rows for each new set of working weights W and working response ζ. The block structure
/// and every sparse pattern are found once (through <see cref="GramAccumulator"/>), and for each row the
/// position of its level pairs in the sparse blocks is stored, so an update is one pass over the rows with
/// direct indexed adds and no allocation. The <see cref="BlockedFactor"/> built on <see cref="Gram"/> reads the
/// new values at its next update.
/// </summary>
internal sealed class WeightedGram
{
    private readonly int _n;
    private readonly int _k;
    private readonly int _p;
    private readonly int _p1;
    private readonly int[] _q;
    private readonly int[][] _codes;
    private readonly double[][] _z;
    private readonly int[] _active;
    private readonly int[][] _pairEntry;
    private readonly (int I, int J)[] _pairTerms;
    private readonly double[] _xColumns;
    private readonly double[] _xRows;
    private readonly BlockDiagonalBlock[] _diag;
    private readonly SparseBlock[] _pairs;
    private readonly DenseBlock[] _xz;
    private readonly DenseBlock _xx;
    private readonly double[] _scratch;
    private readonly int _maxQ;

    /// <param name="terms">Random-effects terms (θ order).</param>
    /// <param name="x">Fixed-effects matrix, or null to leave β out of the system (p = 0).</param>
    /// <param name="weights">Deviance weights per row: rows with weight 0 never enter.</param>
    public WeightedGram(IReadOnlyList<ReTerm> terms, FixedEffectsMatrix? x, ReadOnlySpan<double> weights)
    {
        _k = terms.Count;
        _n = weights.Length;
        _p = x?.Columns ?? 0;
        _p1 = _p + 1;
        _q = [.. terms.Select(t => t.Q)];
        _maxQ = _q.Length == 0 ? 1 : _q.Max();
        if (_maxQ > 64) throw new ModelSpecificationException($"a random-effects term has {_maxQ} columns; GLMMs support at most 64 per term");
        _codes = [.. terms.Select(t => t.UnsafeCodes)];
        _z = [.. terms.Select(t => t.UnsafeZ)];
        var active = new List<int>(_n);
        for (int i = 0; i < _n; i++)
        {
            if (weights[i] > 0) active.Add(i);
        }
        _active = [.. active];
        _xColumns = x?.UnsafeArray ?? [];
        _xRows = new double[(long)_n * _p];
        for (int j = 0; j < _p; j++)
        {
            var col = x!.Column(j);
            for (int i = 0; i < _n; i++) _xRows[(long)i * _p + j] = col[i];
        }
        _scratch = new double[_n];

        var layout = new GramLayout([.. terms.Select(t => new GramTermShape(t.LevelCount, t.Q))], _p);
        Gram = BuildPattern(layout, terms);
        _diag = new BlockDiagonalBlock[_k];
        _xz = new DenseBlock[_k];
        var pairs = new List<SparseBlock>();
        var pairTerms = new List<(int, int)>();
        for (int i = 0; i < _k; i++)
        {
            _diag[i] = (BlockDiagonalBlock)Gram[i, i];
            _xz[i] = (DenseBlock)Gram[_k, i];
            for (int j = 0; j < i; j++)
            {
                pairs.Add((SparseBlock)Gram[i, j]);
                pairTerms.Add((i, j));
            }
        }
        _xx = (DenseBlock)Gram[_k, _k];
        _pairs = [.. pairs];
        _pairTerms = [.. pairTerms];
        _pairEntry = new int[_pairs.Length][];
        for (int s = 0; s < _pairs.Length; s++)
        {
            var (ti, tj) = _pairTerms[s];
            var entries = new int[_active.Length];
            for (int r = 0; r < _active.Length; r++)
            {
                int row = _active[r];
                int e = _pairs[s].Find(_codes[ti][row], _codes[tj][row]);
                if (e < 0) throw new InvalidOperationException("a level pair of the data is missing from the sparse pattern");
                entries[r] = e;
            }
            _pairEntry[s] = entries;
        }
    }

    /// <summary>The Gram matrix whose block values <see cref="Accumulate"/> overwrites.</summary>
    public GramMatrix Gram { get; }

    /// <summary>Number of fixed-effects columns in the system (0 when β is held fixed).</summary>
    public int FixedEffectCount => _p;

    /// <summary>Sets the blocks to [Z X ζ]ᵀ diag(w) [Z X ζ] (rows with zero deviance weight are skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(ReadOnlySpan<double> w, ReadOnlySpan<double> zeta)
    {
        foreach (var d in _diag) d.Clear();
        foreach (var s in _pairs) s.Clear();
        foreach (var b in _xz) b.Clear();
        if (_p == 0 && _maxQ == 1)
        {
            AccumulateScalar(w, zeta);
            return;
        }
        int p = _p, p1 = _p1;
        var active = _active;
        var xRows = _xRows;
        Span<double> wz2 = stackalloc double[_maxQ];
        for (int t = 0; t < _k; t++)
        {
            int q = _q[t];
            var codes = _codes[t];
            var z = _z[t];
            var dv = _diag[t].Values;
            var xz = _xz[t].Values;
            if (q == 1)
            {
                if (p == 0)
                {
                    foreach (int i in active)
                    {
                        int g = codes[i];
                        double wz = w[i] * z[i];
                        dv[g] += wz * z[i];
                        xz[g] += zeta[i] * wz;
                    }
                }
                else
                {
                    foreach (int i in active)
                    {
                        int g = codes[i];
                        double wz = w[i] * z[i];
                        dv[g] += wz * z[i];
                        var col = xz.AsSpan(g * p1, p1);
                        var xr = xRows.AsSpan(i * p, p);
                        for (int a = 0; a < p; a++) col[a] += xr[a] * wz;
                        col[p] += zeta[i] * wz;
                    }
                }
                continue;
            }
            int qq = q * q;
            foreach (int i in active)
            {
                int g = codes[i];
                double wi = w[i];
                var zi = z.AsSpan(i * q, q);
                for (int b = 0; b < q; b++) wz2[b] = wi * zi[b];
                var blk = dv.AsSpan(g * qq, qq);
                for (int b = 0; b < q; b++)
                {
                    double wzb = wz2[b];
                    for (int a = 0; a < q; a++) blk[b * q + a] += zi[a] * wzb;
                }
                var xr = xRows.AsSpan(i * p, p);
                for (int b = 0; b < q; b++)
                {
                    double wzb = wz2[b];
                    var col = xz.AsSpan((g * q + b) * p1, p1);
                    for (int a = 0; a < p; a++) col[a] += xr[a] * wzb;
                    col[p] += zeta[i] * wzb;
                }
            }
        }
        for (int s = 0; s < _pairs.Length; s++)
        {
            var (ti, tj) = _pairTerms[s];
            int qi = _q[ti], qj = _q[tj], size = qi * qj;
            var zi = _z[ti];
            var zj = _z[tj];
            var values = _pairs[s].Values;
            var entries = _pairEntry[s];
            if (size == 1)
            {
                for (int r = 0; r < active.Length; r++)
                {
                    int i = active[r];
                    values[entries[r]] += w[i] * zi[i] * zj[i];
                }
                continue;
            }
            for (int r = 0; r < active.Length; r++)
            {
                int i = active[r];
                double wi = w[i];
                var cell = values.AsSpan(entries[r] * size, size);
                for (int b = 0; b < qj; b++)
                {
                    double wzb = wi * zj[i * qj + b];
                    for (int a = 0; a < qi; a++) cell[b * qi + a] += zi[i * qi + a] * wzb;
                }
            }
        }
        // [X ζ]ᵀ W [X ζ] by weighted column dot products (rows left out have w = 0 and finite ζ).
        var xx = _xx.Values;
        var wcol = _scratch.AsSpan(0, _n);
        for (int b = 0; b <= p; b++)
        {
            var cb = b < p ? _xColumns.AsSpan(b * _n, _n) : zeta;
            TensorPrimitives.Multiply(cb, w, wcol);
            for (int a = b; a <= p; a++)
            {
                var ca = a < p ? _xColumns.AsSpan(a * _n, _n) : zeta;
                double v = TensorPrimitives.Dot(ca, wcol);
                xx[b * p1 + a] = v;
                xx[a * p1 + b] = v;
            }
        }
    }

    /// <summary>
    /// β held fixed and every term scalar (the usual second-stage system): one fused pass over the rows for all
    /// blocks — per term Σ w z² and Σ w z ζ by level, per pair of terms Σ w zᵢ zⱼ by level pair — and Σ w ζ².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateScalar(ReadOnlySpan<double> w, ReadOnlySpan<double> zeta)
    {
        var active = _active;
        if (_k == 2 && _pairs.Length == 1)
        {
            var c0 = _codes[0];
            var c1 = _codes[1];
            var z0 = _z[0];
            var z1 = _z[1];
            var d0 = _diag[0].Values;
            var d1 = _diag[1].Values;
            var x0 = _xz[0].Values;
            var x1 = _xz[1].Values;
            var pv = _pairs[0].Values;
            var pe = _pairEntry[0];
            double sum = 0;
            for (int r = 0; r < active.Length; r++)
            {
                int i = active[r];
                double wi = w[i], zi = zeta[i];
                double wz = wi * zi;
                sum += wz * zi;
                double a = z0[i], b = z1[i];
                double wa = wi * a;
                int g0 = c0[i], g1 = c1[i];
                d0[g0] += wa * a;
                x0[g0] += wz * a;
                d1[g1] += wi * b * b;
                x1[g1] += wz * b;
                pv[pe[r]] += wa * b;
            }
            _xx.Values[0] = sum;
            return;
        }
        double total = 0;
        for (int r = 0; r < active.Length; r++)
        {
            int i = active[r];
            double wi = w[i], zi = zeta[i];
            double wz = wi * zi;
            total += wz * zi;
            for (int t = 0; t < _k; t++)
            {
                double a = _z[t][i];
                int g = _codes[t][i];
                _diag[t].Values[g] += wi * a * a;
                _xz[t].Values[g] += wz * a;
            }
            for (int s = 0; s < _pairs.Length; s++)
            {
                var (ti, tj) = _pairTerms[s];
                _pairs[s].Values[_pairEntry[s][r]] += wi * _z[ti][i] * _z[tj][i];
            }
        }
        _xx.Values[0] = total;
    }

    private GramMatrix BuildPattern(GramLayout layout, IReadOnlyList<ReTerm> terms)
    {
        var acc = new GramAccumulator(layout);
        int totalQ = layout.TotalQ;
        const int chunk = 2048;
        var levels = new int[chunk * _k];
        var z = new double[chunk * totalQ];
        var xy = new double[chunk * _p1];
        var ones = new double[chunk];
        Array.Fill(ones, 1.0);
        for (int start = 0; start < _active.Length; start += chunk)
        {
            int count = Math.Min(chunk, _active.Length - start);
            for (int r = 0; r < count; r++)
            {
                int row = _active[start + r];
                int zo = r * totalQ;
                for (int t = 0; t < _k; t++)
                {
                    levels[r * _k + t] = terms[t].UnsafeCodes[row];
                    for (int c = 0; c < _q[t]; c++) z[zo++] = 1.0;
                }
            }
            acc.AddRows(count, levels.AsSpan(0, count * _k), z.AsSpan(0, count * totalQ), xy.AsSpan(0, count * _p1), ones.AsSpan(0, count));
        }
        return acc.Build();
    }
}
