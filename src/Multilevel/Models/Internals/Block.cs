namespace Multilevel.Models.Internals;

/// <summary>How a block of the Gram matrix A or of its factor L is stored.</summary>
internal enum BlockKind
{
    /// <summary>A scalar random-effects term with itself: one value per level.</summary>
    Diagonal,

    /// <summary>A vector random-effects term with itself: one q × q block per level.</summary>
    BlockDiagonal,

    /// <summary>Two different random-effects terms: level-pair blocks that occur in the data (block CSC).</summary>
    Sparse,

    /// <summary>Column-major dense storage: the [X y] rows, and any block of L that fills in.</summary>
    Dense,
}

/// <summary>
/// One block of the packed lower triangle of A = [Z X y]ᵀW[Z X y] or of its Cholesky factor L. Rows and columns
/// are counted in scalars; random-effects blocks are organised by level (q consecutive scalars per level).
/// </summary>
internal abstract class Block
{
    protected Block(int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The storage kind.</summary>
    public abstract BlockKind Kind { get; }

    /// <summary>Number of scalar rows.</summary>
    public int Rows { get; }

    /// <summary>Number of scalar columns.</summary>
    public int Columns { get; }

    /// <summary>Element (i, j) (slow; for tests and post-fit work).</summary>
    public abstract double Get(int i, int j);

    /// <summary>Sets every stored value to zero.</summary>
    public abstract void Clear();

    /// <summary>A deep copy.</summary>
    public abstract Block Clone();

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Rows}×{Columns}";
}
