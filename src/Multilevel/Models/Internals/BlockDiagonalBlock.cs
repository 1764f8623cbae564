namespace Multilevel.Models.Internals;

/// <summary>
/// A (uniform) block-diagonal matrix: ℓ levels, each with a q × q block stored column-major, levels one after
/// another. With q = 1 it is a diagonal matrix and reports <see cref="BlockKind.Diagonal"/>.
/// </summary>
internal sealed class BlockDiagonalBlock : Block
{
    public BlockDiagonalBlock(int levels, int q)
        : base(levels * q, levels * q)
    {
        Levels = levels;
        Q = q;
        Values = new double[levels * q * q];
    }

    private BlockDiagonalBlock(int levels, int q, double[] values)
        : base(levels * q, levels * q)
    {
        Levels = levels;
        Q = q;
        Values = values;
    }

    public override BlockKind Kind => Q == 1 ? BlockKind.Diagonal : BlockKind.BlockDiagonal;

    /// <summary>Number of levels ℓ.</summary>
    public int Levels { get; }

    /// <summary>Size q of each diagonal block.</summary>
    public int Q { get; }

    /// <summary>Per level a q × q column-major block: level g starts at g·q².</summary>
    public double[] Values { get; }

    /// <summary>The q × q block of one level.</summary>
    public Span<double> LevelBlock(int level) => Values.AsSpan(level * Q * Q, Q * Q);

    public override double Get(int i, int j)
    {
        int gi = i / Q, gj = j / Q;
        if (gi != gj) return 0;
        return Values[gi * Q * Q + (j % Q) * Q + (i % Q)];
    }

    public override void Clear() => Array.Clear(Values);

    public override Block Clone() => new BlockDiagonalBlock(Levels, Q, (double[])Values.Clone());
}
