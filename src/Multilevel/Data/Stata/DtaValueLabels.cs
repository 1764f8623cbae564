using System.Buffers.Binary;
using System.Text;

namespace Multilevel.Data.Stata;

/// <summary>One value-label set of a .dta file: integer codes and their labels.</summary>
internal sealed record DtaValueLabels(string Name, IReadOnlyList<(int Code, string Label)> Entries)
{
    /// <summary>
    /// Parses a value-label table: the number of entries n and the text length (4 bytes each), n text offsets,
    /// n codes, then the labels as NUL-terminated text.
    /// </summary>
    public static DtaValueLabels Parse(string name, ReadOnlySpan<byte> table, DtaInput input, Encoding encoding)
    {
        if (table.Length < 8) throw input.Error($"value label set '{name}' is too short to hold a table");
        bool big = input.BigEndian;
        int n = Int(table, 0, big), textLength = Int(table, 4, big);
        if (n < 0 || textLength < 0 || 8L + 8L * n + textLength > table.Length)
        {
            throw input.Error($"value label set '{name}' says it holds {n} labels in {textLength} bytes of text, " +
                              $"which do not fit its {table.Length} bytes");
        }
        var text = table.Slice(8 + 8 * n, textLength);
        var entries = new (int, string)[n];
        for (int i = 0; i < n; i++)
        {
            int offset = Int(table, 8 + 4 * i, big), code = Int(table, 8 + 4 * n + 4 * i, big);
            if (offset < 0 || offset >= textLength) throw input.Error($"value label set '{name}': label {i + 1} starts outside its text");
            entries[i] = (code, DtaInput.Text(text[offset..], encoding));
        }
        return new DtaValueLabels(name, entries);
    }

    private static int Int(ReadOnlySpan<byte> table, int at, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadInt32BigEndian(table.Slice(at, 4))
        : BinaryPrimitives.ReadInt32LittleEndian(table.Slice(at, 4));
}
