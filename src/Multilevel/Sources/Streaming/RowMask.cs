using Multilevel.Data;
using Multilevel.Design.Internals;
using Multilevel.Formulas;
using Multilevel.Sources.Internals;

namespace Multilevel.Sources.Streaming;

/// <summary>
/// The rows of a chunk a model uses, by the in-memory design's rule: a row is dropped when a data column the formula
/// reads is missing there, or when an expression is undefined there (log of a negative number); an infinite value is
/// an error naming the row of the data.
/// </summary>
internal static class RowMask
{
    /// <summary>The used rows of <paramref name="chunk"/> (0-based within the chunk); counts missing and undefined
    /// values into the dictionaries when given.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="usage">What the formula reads.</param>
    /// <param name="text">The formula text, for messages.</param>
    /// <param name="rowOffset">Rows of the data before this chunk.</param>
    /// <param name="missing">Per data column, rows where it is missing.</param>
    /// <param name="undefined">Per expression, rows it leaves undefined where its columns are present.</param>
    public static int[] Used(Frame chunk, FormulaUsage usage, string text, long rowOffset,
        Dictionary<string, long>? missing, Dictionary<string, long>? undefined)
    {
        int n = chunk.RowCount;
        var drop = new bool[n];
        foreach (var name in usage.Columns)
        {
            int count = 0;
            switch (chunk[name])
            {
                case NumericColumn nc:
                    {
                        var values = nc.Values;
                        for (int i = 0; i < n; i++)
                        {
                            if (double.IsNaN(values[i]))
                            {
                                drop[i] = true;
                                count++;
                            }
                        }
                        break;
                    }
                case CategoricalColumn cc:
                    {
                        var codes = cc.Codes;
                        for (int i = 0; i < n; i++)
                        {
                            if (codes[i] < 0)
                            {
                                drop[i] = true;
                                count++;
                            }
                        }
                        break;
                    }
            }
            if (missing is not null) missing[name] = missing.GetValueOrDefault(name) + count;
        }
        foreach (var name in usage.FiniteColumns)
        {
            if (chunk[name] is NumericColumn nc) CheckFinite(nc.Values, name, new VariableNode(name), text, rowOffset);
        }
        if (usage.Expressions.Count > 0)
        {
            var ev = new Evaluator(chunk, text, null);
            foreach (var (label, node) in usage.Expressions)
            {
                var values = ev.Materialize(ev.Numeric(node));
                CheckFinite(values, label, node, text, rowOffset);
                int count = 0;
                for (int i = 0; i < n; i++)
                {
                    if (double.IsNaN(values[i]) && !drop[i])
                    {
                        drop[i] = true;
                        count++;
                    }
                }
                if (undefined is not null && count > 0) undefined[label] = undefined.GetValueOrDefault(label) + count;
            }
        }
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            if (!drop[i]) kept++;
        }
        var rows = new int[kept];
        for (int i = 0, j = 0; i < n; i++)
        {
            if (!drop[i]) rows[j++] = i;
        }
        return rows;
    }

    private static void CheckFinite(ReadOnlySpan<double> values, string label, FormulaNode node, string text, long rowOffset)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsInfinity(values[i]))
            {
                throw new FormulaEvaluationException(text, node.Span,
                    $"{label} is {(values[i] > 0 ? "Inf" : "-Inf")} in row {rowOffset + i + 1} of the data; a model needs finite values (check for zeros under log or division)");
            }
        }
    }
}
