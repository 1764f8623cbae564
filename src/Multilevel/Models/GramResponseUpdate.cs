using Multilevel.Design;
using Multilevel.Models.Internals;

namespace Multilevel.Models;

/// <summary>
/// Refits with a new response without rebuilding the design: only the blocks of the Gram matrix that depend on y
/// are recomputed (Σ w y z per level of each random-effects term, Σ w y x and Σ w y²); Σ w z zᵀ, the sparse
/// blocks between terms and Σ w x xᵀ are shared with the original. This is what the parametric bootstrap and
/// simulation-based inference need: a replicate costs one pass over y plus the optimisation.
/// </summary>
public static class GramResponseUpdate
{
    /// <summary>
    /// The Gram matrix of the same design with response <paramref name="response"/> (one value per observation
    /// used, before subtracting the design's offset). The y-independent blocks are shared with <paramref name="gram"/>.
    /// </summary>
    public static GramMatrix WithResponse(this GramMatrix gram, ModelDesign design, ReadOnlySpan<double> response)
    {
        var buffer = new ResponseGram(gram, design);
        buffer.SetResponse(response);
        return buffer.Gram;
    }
}

/// <summary>
/// A private copy of the y-dependent blocks of a Gram matrix that can be overwritten with a new response in place
/// (one per thread of a bootstrap): <see cref="Gram"/> shares every other block with the original. Build the
/// <see cref="ProfiledDeviance"/> after setting the response: a factor may precompute θ-free products of A's blocks
/// when it is built (the supernodal tail does), so an existing one would not see a new response.
/// </summary>
internal sealed class ResponseGram
{
    private readonly ModelDesign _design;
    private readonly DenseBlock[] _termRows;
    private readonly DenseBlock _fixed;
    private readonly int _p;
    private readonly double[] _weightedResponse;

    public ResponseGram(GramMatrix gram, ModelDesign design)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(design);
        int k = gram.Layout.TermCount;
        if (design.RandomEffects.Count != k || design.X.Columns != gram.Layout.FixedEffectCount)
        {
            throw new ArgumentException("the design does not match the Gram matrix (terms or fixed-effects columns differ)", nameof(design));
        }
        _design = design;
        _p = gram.Layout.FixedEffectCount;
        _weightedResponse = new double[design.Observations];
        int nb = k + 1;
        var blocks = new Block[nb * (nb + 1) / 2];
        for (int i = 0; i < nb; i++)
        {
            for (int j = 0; j <= i; j++) blocks[GramMatrix.Index(i, j)] = gram[i, j];
        }
        _termRows = new DenseBlock[k];
        for (int j = 0; j < k; j++)
        {
            _termRows[j] = (DenseBlock)gram[k, j].Clone();
            blocks[GramMatrix.Index(k, j)] = _termRows[j];
        }
        _fixed = (DenseBlock)gram[k, k].Clone();
        blocks[GramMatrix.Index(k, k)] = _fixed;
        Gram = new GramMatrix(gram.Layout, blocks, gram.Observations, gram.SumLogWeights);
    }

    /// <summary>The Gram matrix whose y-dependent blocks this object owns.</summary>
    public GramMatrix Gram { get; }

    /// <summary>Overwrites the y-dependent blocks with those of <paramref name="response"/> (offset subtracted here).</summary>
    public void SetResponse(ReadOnlySpan<double> response)
    {
        var design = _design;
        int n = design.Observations;
        if (response.Length != n) throw new ArgumentException($"the response has {response.Length} values; the design has {n} observations", nameof(response));
        var offset = design.Offset;
        var weights = design.Weights;
        int p = _p;
        int p1 = p + 1;
        // wy = w (y − offset); rows with zero weight contribute nothing (as in the accumulator)
        var wy = _weightedResponse;
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            double y = offset is null ? response[i] : response[i] - offset[i];
            double w = weights is null ? 1.0 : weights[i];
            wy[i] = w * y;
            yy += wy[i] * y;
        }
        for (int t = 0; t < _termRows.Length; t++)
        {
            var block = _termRows[t];
            var values = block.Values;
            int columns = block.Columns;
            for (int c = 0; c < columns; c++) values[c * p1 + p] = 0;
            var term = design.RandomEffects[t];
            int q = term.Q;
            var codes = term.UnsafeCodes;
            var z = term.UnsafeZ;
            if (q == 1)
            {
                for (int i = 0; i < n; i++) values[codes[i] * p1 + p] += wy[i] * z[i];
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    int col = codes[i] * q;
                    double v = wy[i];
                    for (int c = 0; c < q; c++) values[(col + c) * p1 + p] += v * z[i * q + c];
                }
            }
        }
        var x = design.X.UnsafeArray;
        var f = _fixed.Values;
        for (int j = 0; j < p; j++)
        {
            double s = 0;
            int o = j * n;
            for (int i = 0; i < n; i++) s += x[o + i] * wy[i];
            f[j * p1 + p] = s;
            f[p * p1 + j] = s;
        }
        f[p * p1 + p] = yy;
    }
}
