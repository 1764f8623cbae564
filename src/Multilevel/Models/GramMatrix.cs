using Multilevel.Models.Internals;

namespace Multilevel.Models;

/// <summary>
/// The Gram matrix A = [Z₁ … Z_K X y]ᵀ W [Z₁ … Z_K X y] of a linear mixed model, as a packed lower triangle of
/// blocks (one block row per random-effects term, plus one for [X y]), with the number of observations and
/// Σ log w of the prior weights. Everything the profiled deviance needs: building it is the only pass over rows.
/// Build one with <see cref="GramAccumulator"/>.
/// </summary>
public sealed class GramMatrix
{
    private readonly Block[] _blocks;

    internal GramMatrix(GramLayout layout, Block[] blocks, long observations, double sumLogWeights)
    {
        Layout = layout;
        _blocks = blocks;
        Observations = observations;
        SumLogWeights = sumLogWeights;
    }

    /// <summary>The shape: random-effects terms and number of fixed effects.</summary>
    public GramLayout Layout { get; }

    /// <summary>Number of observations n (rows with positive weight).</summary>
    public long Observations { get; }

    /// <summary>Σ log wᵢ over the observations (0 without prior weights).</summary>
    public double SumLogWeights { get; }

    /// <summary>Number of block rows (random-effects terms + 1).</summary>
    public int BlockRows => Layout.TermCount + 1;

    /// <summary>Σ w y² (the last diagonal element of A).</summary>
    public double WeightedResponseSumOfSquares
    {
        get
        {
            var last = (DenseBlock)_blocks[Index(Layout.TermCount, Layout.TermCount)];
            return last[last.Rows - 1, last.Rows - 1];
        }
    }

    internal Block this[int i, int j] => _blocks[Index(i, j)];

    internal static int Index(int i, int j) => i * (i + 1) / 2 + j;

    /// <summary>Element (i, j) of the full symmetric matrix A in scalar indices (for tests; slow).</summary>
    public double Element(int i, int j)
    {
        if (j > i) (i, j) = (j, i);
        var (bi, li) = Locate(i);
        var (bj, lj) = Locate(j);
        return _blocks[Index(bi, bj)].Get(li, lj);
    }

    /// <summary>Order of A: Σ ℓₖ qₖ + p + 1.</summary>
    public int Order => Layout.RandomEffectCount + Layout.FixedEffectCount + 1;

    private (int Block, int Local) Locate(int index)
    {
        int offset = 0;
        for (int k = 0; k < Layout.TermCount; k++)
        {
            int m = Layout.Terms[k].Levels * Layout.Terms[k].Q;
            if (index < offset + m) return (k, index - offset);
            offset += m;
        }
        return (Layout.TermCount, index - offset);
    }
}
