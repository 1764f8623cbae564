using System.Globalization;
using System.Text;

namespace Multilevel.Data;

/// <summary>
/// A table laid out as pandas prints a DataFrame (<c>DataFrame.to_string</c> inside <c>print</c>): the index column
/// left-aligned, each value column right-aligned to its widest entry, columns one space apart, column header rows
/// (hierarchical headers sparsified: a label is shown where it changes), and, when wider than the line, split into
/// blocks of columns ending in " \" as pandas wraps a frame at 80 characters.
/// </summary>
internal sealed class PandasTable
{
    /// <summary>Creates a table.</summary>
    /// <param name="headerNames">Names of the column header rows, shown in the index column (one per header row).</param>
    /// <param name="headers">For each column, its labels, one per header row.</param>
    /// <param name="indexName">The name of the index, on a row of its own under the headers; null for none.</param>
    /// <param name="index">The row labels.</param>
    /// <param name="cells">For each column, its formatted values (one per row).</param>
    public PandasTable(IReadOnlyList<string> headerNames, IReadOnlyList<IReadOnlyList<string>> headers, string? indexName,
        IReadOnlyList<string> index, IReadOnlyList<IReadOnlyList<string>> cells)
    {
        _headerNames = headerNames;
        _headers = Sparsify(headers);
        _indexName = indexName;
        _index = index;
        _cells = cells;
    }

    private readonly IReadOnlyList<string> _headerNames;
    private readonly List<IReadOnlyList<string>> _headers;
    private readonly string? _indexName;
    private readonly IReadOnlyList<string> _index;
    private readonly IReadOnlyList<IReadOnlyList<string>> _cells;

    /// <summary>The text, without a final line break.</summary>
    public string Render(int lineWidth = 80)
    {
        var indexColumn = _headerNames.Concat(_indexName is null ? [] : [_indexName]).Concat(_index).ToList();
        int indexWidth = indexColumn.Max(s => s.Length);
        indexColumn = [.. indexColumn.Select(s => s.PadRight(indexWidth))];
        var columns = new List<List<string>>();
        for (int j = 0; j < _cells.Count; j++)
        {
            var header = _headers[j].Concat(_indexName is null ? [] : [""]).ToList();
            int width = Math.Max(header.Max(s => s.Length), _cells[j].Count == 0 ? 0 : _cells[j].Max(s => s.Length));
            columns.Add([.. header.Concat(_cells[j]).Select(s => s.PadLeft(width))]);
        }
        var blocks = Blocks(columns.Select(c => c.Max(s => s.Length)).ToList(), lineWidth - indexWidth - 1);
        var text = new StringBuilder();
        int start = 0;
        for (int b = 0; b < blocks.Count; b++)
        {
            var block = new List<List<string>> { indexColumn };
            block.AddRange(columns.GetRange(start, blocks[b] - start));
            if (blocks.Count > 1)
            {
                int rows = indexColumn.Count;
                block.Add(b < blocks.Count - 1 ? [" \\", .. Enumerable.Repeat("  ", rows - 1)] : [.. Enumerable.Repeat(" ", rows)]);
            }
            if (b > 0) text.Append("\n\n");
            text.Append(Adjoin(block));
            start = blocks[b];
        }
        return text.ToString();
    }

    /// <summary>Formats a column of numbers as pandas does with six digits of precision: fixed notation with a space
    /// before positive numbers, trailing zeros trimmed while every number ends in one (keeping one decimal), and
    /// scientific notation when a nonzero value is below 1e-6 in size, or a value above 1e6 makes the column wide.</summary>
    public static IReadOnlyList<string> FormatFloats(IReadOnlyList<double> values, int digits = 6)
    {
        var fixedText = TrimZeros([.. values.Select(v => Format(v, "F" + digits))]);
        bool small = values.Any(v => v != 0 && Math.Abs(v) < Math.Pow(10, -digits));
        bool large = values.Any(v => Math.Abs(v) > 1e6);
        bool tooLong = fixedText.Count > 0 && fixedText.Max(s => s.Length) > digits + 6;
        if (!small && !(tooLong && large)) return fixedText;
        return [.. values.Select(v => Format(v, "0." + new string('0', digits) + "e+00"))];
    }

    /// <summary>Formats integers as pandas does: a space before non-negative numbers.</summary>
    public static IReadOnlyList<string> FormatIntegers(IEnumerable<long> values) =>
        [.. values.Select(v => (v < 0 ? "" : " ") + v.ToString(CultureInfo.InvariantCulture))];

    private static string Format(double v, string format) =>
        double.IsNaN(v) ? "NaN"
        : double.IsInfinity(v) ? (v > 0 ? " inf" : "-inf")
        : (double.IsNegative(v) ? "" : " ") + v.ToString(format, CultureInfo.InvariantCulture);

    private static List<string> TrimZeros(List<string> texts)
    {
        static bool IsDecimal(string s)
        {
            var t = s.TrimStart();
            if (t.StartsWith('-') || t.StartsWith('+')) t = t[1..];
            int dot = t.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && t.All(c => char.IsAsciiDigit(c) || c == '.') && t.Count(c => c == '.') == 1;
        }
        while (texts.Any(IsDecimal) && texts.Where(IsDecimal).All(s => s.EndsWith('0')))
        {
            texts = [.. texts.Select(s => IsDecimal(s) ? s[..^1] : s)];
        }
        return [.. texts.Select(s => IsDecimal(s) && s.EndsWith('.') ? s + "0" : s)];
    }

    /// <summary>Hides a header label where it repeats the column to its left (all but the last header row),
    /// as pandas' <c>sparsify_labels</c>.</summary>
    private static List<IReadOnlyList<string>> Sparsify(IReadOnlyList<IReadOnlyList<string>> headers)
    {
        var result = new List<IReadOnlyList<string>>();
        for (int j = 0; j < headers.Count; j++)
        {
            var labels = headers[j].ToArray();
            if (j > 0)
            {
                for (int level = 0; level < labels.Length - 1; level++)
                {
                    if (headers[j][level] != headers[j - 1][level]) break;
                    labels[level] = "";
                }
            }
            result.Add(labels);
        }
        return result;
    }

    /// <summary>Where blocks of columns end when the table is wrapped (pandas' <c>_binify</c>).</summary>
    private static List<int> Blocks(List<int> widths, int lineWidth)
    {
        var ends = new List<int>();
        int current = 0;
        for (int i = 0; i < widths.Count; i++)
        {
            current += widths[i] + 1;
            bool wrap = i > 0 && current + (i == widths.Count - 1 ? 1 : 2) > lineWidth;
            if (wrap)
            {
                ends.Add(i);
                current = widths[i] + 1;
            }
        }
        ends.Add(widths.Count);
        return ends;
    }

    /// <summary>Joins columns side by side, each padded to its width, plus one space but after the last.</summary>
    private static string Adjoin(List<List<string>> columns)
    {
        var widths = columns.Select((c, j) => c.Max(s => s.Length) + (j < columns.Count - 1 ? 1 : 0)).ToArray();
        var lines = new string[columns[0].Count];
        for (int r = 0; r < lines.Length; r++)
        {
            var line = new StringBuilder();
            for (int j = 0; j < columns.Count; j++)
            {
                line.Append(columns[j][r].PadRight(widths[j]));
            }
            lines[r] = line.ToString();
        }
        return string.Join("\n", lines);
    }
}
