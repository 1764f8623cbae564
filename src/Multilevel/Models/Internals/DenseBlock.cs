namespace Multilevel.Models.Internals;

/// <summary>A dense column-major block: element (i, j) at <c>j · Rows + i</c>. Diagonal blocks of L use the lower triangle.</summary>
internal sealed class DenseBlock : Block
{
    public DenseBlock(int rows, int columns)
        : base(rows, columns)
    {
        Values = new double[(long)rows * columns];
    }

    private DenseBlock(int rows, int columns, double[] values)
        : base(rows, columns)
    {
        Values = values;
    }

    public override BlockKind Kind => BlockKind.Dense;

    /// <summary>Column-major values with leading dimension <see cref="Block.Rows"/>.</summary>
    public double[] Values { get; }

    public double this[int i, int j]
    {
        get => Values[j * Rows + i];
        set => Values[j * Rows + i] = value;
    }

    public override double Get(int i, int j) => Values[j * Rows + i];

    public override void Clear() => Array.Clear(Values);

    public override Block Clone() => new DenseBlock(Rows, Columns, (double[])Values.Clone());
}
