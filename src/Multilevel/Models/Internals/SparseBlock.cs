using System.Runtime.CompilerServices;
namespace Multilevel.Models.Internals;

/// <summary>
/// A sparse block between two random-effects terms, stored as block-compressed columns at the level of
/// granularity: column level c holds the row levels <c>RowLevel[ColumnStart[c] .. ColumnStart[c+1])</c> in
/// increasing order, and each stored level pair is a dense qr × qc block (column-major) in <see cref="Values"/>.
/// The pattern arrays are immutable and may be shared between A and L.
/// </summary>
internal sealed class SparseBlock : Block
{
    public SparseBlock(int rowLevels, int rowQ, int columnLevels, int columnQ, int[] columnStart, int[] rowLevel)
        : this(rowLevels, rowQ, columnLevels, columnQ, columnStart, rowLevel,
               new double[(long)rowLevel.Length * rowQ * columnQ])
    {
    }

    private SparseBlock(int rowLevels, int rowQ, int columnLevels, int columnQ, int[] columnStart, int[] rowLevel, double[] values)
        : base(rowLevels * rowQ, columnLevels * columnQ)
    {
        if (columnStart.Length != columnLevels + 1) throw new ArgumentException("column pointer length", nameof(columnStart));
        RowLevels = rowLevels;
        RowQ = rowQ;
        ColumnLevels = columnLevels;
        ColumnQ = columnQ;
        ColumnStart = columnStart;
        RowLevel = rowLevel;
        Values = values;
    }

    public override BlockKind Kind => BlockKind.Sparse;

    /// <summary>Levels of the row term.</summary>
    public int RowLevels { get; }

    /// <summary>Columns per level of the row term.</summary>
    public int RowQ { get; }

    /// <summary>Levels of the column term.</summary>
    public int ColumnLevels { get; }

    /// <summary>Columns per level of the column term.</summary>
    public int ColumnQ { get; }

    /// <summary>Start of each column level's entries (length ColumnLevels + 1).</summary>
    public int[] ColumnStart { get; }

    /// <summary>Row level of each stored entry, increasing within a column level.</summary>
    public int[] RowLevel { get; }

    /// <summary>Values: entry e is the qr × qc column-major block at <c>e · qr · qc</c>.</summary>
    public double[] Values { get; }

    /// <summary>Number of stored level pairs.</summary>
    public int EntryCount => RowLevel.Length;

    /// <summary>Size of one stored block (qr · qc).</summary>
    public int EntrySize => RowQ * ColumnQ;

    /// <summary>The stored entry of level pair (rowLevel, columnLevel), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(int rowLevel, int columnLevel)
    {
        int lo = ColumnStart[columnLevel], hi = ColumnStart[columnLevel + 1] - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int r = RowLevel[mid];
            if (r == rowLevel) return mid;
            if (r < rowLevel) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>True when every column level holds at most one row level (then S·Sᵀ is block diagonal).</summary>
    public bool AtMostOnePerColumn
    {
        get
        {
            for (int c = 0; c < ColumnLevels; c++)
            {
                if (ColumnStart[c + 1] - ColumnStart[c] > 1) return false;
            }
            return true;
        }
    }

    public override double Get(int i, int j)
    {
        int e = Find(i / RowQ, j / ColumnQ);
        if (e < 0) return 0;
        return Values[e * EntrySize + (j % ColumnQ) * RowQ + (i % RowQ)];
    }

    public override void Clear() => Array.Clear(Values);

    public override Block Clone() =>
        new SparseBlock(RowLevels, RowQ, ColumnLevels, ColumnQ, ColumnStart, RowLevel, (double[])Values.Clone());

    /// <summary>A block with the same pattern and zero values.</summary>
    public SparseBlock WithSamePattern() => new(RowLevels, RowQ, ColumnLevels, ColumnQ, ColumnStart, RowLevel);
}
