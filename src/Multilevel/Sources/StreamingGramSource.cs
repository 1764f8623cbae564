using System.Diagnostics;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Models;
using Multilevel.Sources.Internals;
using Multilevel.Sources.Streaming;

namespace Multilevel.Sources;

/// <summary>
/// Rows streamed from a CSV or .dta file in chunks of bounded size: memory depends on the chunk size, the number of
/// levels and the size of the model, never on the number of rows. Three passes over the file:
/// <list type="number">
/// <item>the schema: every column's type and the levels of categorical columns (<see cref="ChunkedTable"/>);</item>
/// <item>the rows used (missing values dropped and counted, as in memory) and the levels of every factor and grouping
/// factor among them, put in the in-memory design's order;</item>
/// <item>the design step on each chunk — with every factor given its final levels, so that each chunk's X and Z have
/// the columns of the whole data's — and its rows added to the Gram sums, in the order of the file.</item>
/// </list>
/// Because the rows are summed in the same order with the same arithmetic as in memory, the sums are the same to the
/// last bit. Limits: <c>scale()</c>, <c>gmean()</c>, <c>demean()</c> need statistics of all rows first and are
/// rejected; a factor must be a column (or <c>factor()</c> of one); a numeric column cannot be both a number and a
/// factor in one formula.
/// </summary>
public sealed class StreamingGramSource : IGramSource
{
    /// <summary>Rows per chunk unless told otherwise.</summary>
    public const int DefaultChunkRows = 65_536;

    private readonly ChunkedTable _table;
    private readonly int _chunkRows;

    /// <summary>Creates the source.</summary>
    /// <param name="table">The file, read in chunks.</param>
    /// <param name="chunkRows">Rows per chunk (memory grows with it).</param>
    public StreamingGramSource(ChunkedTable table, int chunkRows = DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        _table = table;
        _chunkRows = chunkRows;
    }

    /// <summary>A CSV or .dta file (its schema is read now: the first pass).</summary>
    /// <param name="path">The file.</param>
    /// <param name="overrides">Columns to make categorical, and their levels (<c>--factor</c>, <c>--levels</c>).</param>
    /// <param name="chunkRows">Rows per chunk.</param>
    public static StreamingGramSource Open(string path, FrameSchema? overrides = null, int chunkRows = DefaultChunkRows) =>
        new(ChunkedTable.Open(path, overrides), chunkRows);

    /// <inheritdoc />
    public string Description => $"{_table.Source} (streamed in chunks of {_chunkRows:N0} rows)";

    /// <inheritdoc />
    public GramDesign Accumulate(FormulaTerms terms, DesignOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        options ??= DesignOptions.Default;
        var clock = Stopwatch.StartNew();
        int passesBefore = _table.Passes;
        long chunksBefore = _table.ChunksRead;
        string text = terms.Formula.Text;
        var names = _table.ColumnNames;
        SourceColumnKind? KindOf(string c) =>
            names.Contains(c, StringComparer.Ordinal) ? _table.LevelsOf(c) is null ? SourceColumnKind.Numeric : SourceColumnKind.Categorical : null;
        var usage = new FormulaUsage(terms, options, names, KindOf, $"streaming {_table.Source}");
        foreach (var column in usage.FactorColumns)
        {
            if (usage.BothRoles(column))
            {
                throw new ModelSpecificationException(
                    $"column '{column}' is used both as a number and as a factor in '{text}': a streamed fit cannot do both with one column; " +
                    "add a copy of the column to the data and use one for each role");
            }
        }

        // pass: rows used, and the levels of the factors among them
        bool keepUnused = !options.DropUnusedLevels;
        var factors = usage.FactorColumns.ToDictionary(c => c, c => new ColumnLevels(c, _table.LevelsOf(c), keepUnused), StringComparer.Ordinal);
        var combos = usage.Groupings.Where(g => g.Columns.Count > 1).ToDictionary(g => g.Name, g => new ComboIndex(g.Columns.Count), StringComparer.Ordinal);
        var missing = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var missingCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        var undefined = new Dictionary<string, long>(StringComparer.Ordinal);
        long rows = 0, used = 0;
        foreach (var chunk in _table.Chunks(_chunkRows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var usedRows = RowMask.Used(chunk, usage, text, rows, missingCounts, undefined);
            foreach (var levels in factors.Values) levels.Observe(chunk[levels.Column], usedRows);
            foreach (var g in usage.Groupings)
            {
                if (!combos.TryGetValue(g.Name, out var index)) continue;
                var columns = g.Columns.Select(c => chunk[c]).ToArray();
                var parts = g.Columns.Select(c => factors[c]).ToArray();
                var codes = new int[columns.Length];
                foreach (int r in usedRows)
                {
                    for (int j = 0; j < codes.Length; j++) codes[j] = parts[j].ProvisionalCode(columns[j], r);
                    index.Add(codes);
                }
            }
            rows += chunk.RowCount;
            used += usedRows.Length;
        }
        foreach (var (k, v) in missingCounts) missing[k] = v;
        if (used == 0)
        {
            var all = new Dictionary<string, long>(missing, StringComparer.Ordinal);
            foreach (var (k, v) in undefined) all[k] = v;
            throw new FormulaEvaluationException(text, new SourceSpan(0, text.Length), $"no rows left to fit: {GramDesignAssembly.NoRowsReason(all)}");
        }
        foreach (var levels in factors.Values) levels.Finish(keepUnused);
        var groupings = usage.Groupings.ToDictionary(g => g.Name, g => GroupingLevels.Create(g, factors, combos.GetValueOrDefault(g.Name)), StringComparer.Ordinal);

        var messages = new List<string>(terms.Fixed.Messages);
        if (GramDesignAssembly.DroppedRowsMessage(rows, used, missing, undefined) is { } dropped) messages.Insert(0, dropped);
        if (options.DropUnusedLevels)
        {
            foreach (var (label, column) in usage.TermFactors)
            {
                var unused = factors[column].UnusedLevels;
                if (unused.Length > 0) messages.Add(GramDesignAssembly.DroppedLevelsMessage(label, unused));
            }
        }

        // lme4's order of the random-effects terms: most levels first, stable
        var specs = terms.RandomEffects;
        int[] order = [.. Enumerable.Range(0, specs.Count).OrderByDescending(k => groupings[specs[k].Grouping.Name].Count).ThenBy(k => k)];

        // pass: the design of each chunk, summed
        var chunkOptions = options with { DropUnusedLevels = false };
        var sizes = order.Select(k => new long[groupings[specs[k].Grouping.Name].Count]).ToArray();
        GramAccumulator? acc = null;
        ModelMatrix? firstX = null;
        string[][] zNames = [];
        long offset = 0;
        foreach (var chunk in _table.Chunks(_chunkRows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var usedRows = RowMask.Used(chunk, usage, text, offset, null, null);
            offset += chunk.RowCount;
            if (usedRows.Length == 0) continue;
            var sub = chunk.Select(usage.Columns).Take(usedRows);
            foreach (var levels in factors.Values) sub = sub.With(levels.Recode(sub[levels.Column]));
            var frame = ModelFrame.Create(terms, sub, chunkOptions);
            var x = ModelMatrix.Build(terms.Fixed, frame);
            var z = order.Select(k => ModelMatrix.Build(specs[k].Effects, frame)).ToArray();
            if (acc is null)
            {
                firstX = x;
                zNames = [.. z.Select(m => m.ColumnNames.ToArray())];
                var layout = new GramLayout([.. order.Select((k, t) => new Models.GramTermShape(groupings[specs[k].Grouping.Name].Count, z[t].Columns))], x.Columns);
                acc = new GramAccumulator(layout);
            }
            else if (!x.ColumnNames.SequenceEqual(firstX!.ColumnNames))
            {
                throw new InvalidOperationException("a chunk's model matrix has other columns than the first chunk's");
            }
            AddChunk(acc, sub, frame, x, z, order.Select(k => groupings[specs[k].Grouping.Name]).ToArray(), sizes);
        }

        var gram = acc!.Build();
        int passes = _table.Passes - passesBefore + (passesBefore == 1 ? 1 : 0);
        var info = new GramDesignInfo
        {
            FormulaText = text,
            ResponseName = terms.Fixed.Response!.Label,
            FixedEffectNames = firstX!.ColumnNames,
            FixedTermLabels = firstX.TermLabels,
            Assign = firstX.Assign,
            RandomEffects = [.. order.Select((k, t) => new GramTermInfo(specs[k].Grouping.Name, groupings[specs[k].Grouping.Name].Levels, zNames[t], sizes[t]))],
            RowsInData = rows,
            Observations = used,
            HasWeights = options.Weights is not null,
            MissingByVariable = MergeCounts(missing, undefined),
            Messages = messages,
            Source = Description,
            Statistics = new GramSourceStatistics
            {
                // the schema scan counts for the first fit from a table
                Passes = passes,
                BytesReceived = passes * _table.BytesPerPass,
                Seconds = clock.Elapsed.TotalSeconds,
                Chunks = _table.ChunksRead - chunksBefore,
                LargestChunkRows = _table.LargestChunkRows,
            },
        };
        return GramDesignAssembly.Finish(gram, info, options);
    }

    private static Dictionary<string, long> MergeCounts(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (k, v) in a)
        {
            if (v > 0) result[k] = v;
        }
        foreach (var (k, v) in b) result[k] = v;
        return result;
    }

    /// <summary>Adds the rows of one chunk's design (rows in the order of the file).</summary>
    private static void AddChunk(GramAccumulator acc, Frame data, ModelFrame frame, ModelMatrix x, ModelMatrix[] z, GroupingLevels[] groupings, long[][] sizes)
    {
        int n = frame.Observations;
        int k = z.Length;
        int p = x.Columns;
        int p1 = p + 1;
        int totalQ = z.Sum(m => m.Columns);
        var levels = new int[n * k];
        var zz = new double[(long)n * totalQ];
        var xy = new double[(long)n * p1];
        var codes = groupings.Select(g => g.Codes(data, frame)).ToArray();
        var xv = x.Values;
        var y = frame.Response!.Values;
        var off = frame.Offset;
        for (int i = 0; i < n; i++)
        {
            int zo = i * totalQ;
            for (int t = 0; t < k; t++)
            {
                int g = codes[t][i];
                levels[i * k + t] = g;
                sizes[t][g]++;
                var zv = z[t].Values;
                int q = z[t].Columns;
                for (int c = 0; c < q; c++) zz[zo++] = zv[c * n + i];
            }
            for (int c = 0; c < p; c++) xy[(long)i * p1 + c] = xv[c * n + i];
            xy[(long)i * p1 + p] = off is null ? y[i] : y[i] - off[i];
        }
        acc.AddRows(n, levels, zz, xy, frame.Weights is { } w ? w : ReadOnlySpan<double>.Empty);
    }

    /// <summary>The levels of a grouping factor over the rows used, in lme4's order, and each used row's level.</summary>
    private sealed class GroupingLevels
    {
        private readonly GroupingUse _use;
        private readonly ColumnLevels[] _parts;
        private readonly ComboIndex? _final;

        private GroupingLevels(GroupingUse use, ColumnLevels[] parts, string[] levels, ComboIndex? final)
        {
            _use = use;
            _parts = parts;
            Levels = levels;
            _final = final;
        }

        public string[] Levels { get; }

        public int Count => Levels.Length;

        public static GroupingLevels Create(GroupingUse use, Dictionary<string, ColumnLevels> factors, ComboIndex? provisional)
        {
            var parts = use.Columns.Select(c => factors[c]).ToArray();
            if (parts.Length == 1) return new GroupingLevels(use, parts, parts[0].PresentLevels, null);
            // combinations present, in final codes, sorted with the first factor slowest (R's interaction order)
            var combos = new int[provisional!.Count][];
            for (int id = 0; id < combos.Length; id++)
            {
                var codes = provisional.Codes(id);
                for (int j = 0; j < codes.Length; j++) codes[j] = parts[j].FinalOfProvisional(codes[j]);
                combos[id] = codes;
            }
            Array.Sort(combos, (a, b) =>
            {
                for (int j = 0; j < a.Length; j++)
                {
                    int c = a[j].CompareTo(b[j]);
                    if (c != 0) return c;
                }
                return 0;
            });
            var final = new ComboIndex(parts.Length);
            var levels = new string[combos.Length];
            for (int i = 0; i < combos.Length; i++)
            {
                final.Add(combos[i]);
                levels[i] = string.Join(":", combos[i].Select((c, j) => parts[j].Levels[c]));
            }
            return new GroupingLevels(use, parts, levels, final);
        }

        /// <summary>Per row of a chunk's frame (whose factor columns carry the final levels), the level index.</summary>
        public int[] Codes(Frame data, ModelFrame frame)
        {
            int n = frame.Observations;
            var result = new int[n];
            var columns = _use.Columns.Select(c => (CategoricalColumn)data[c]).ToArray();
            if (_final is null)
            {
                var present = _parts[0].PresentIndex;
                var codes = columns[0].Codes;
                for (int i = 0; i < n; i++) result[i] = present[codes[frame.RowIndex[i]]];
                return result;
            }
            var buffer = new int[columns.Length];
            for (int i = 0; i < n; i++)
            {
                int row = frame.RowIndex[i];
                for (int j = 0; j < buffer.Length; j++) buffer[j] = columns[j].Codes[row];
                result[i] = _final.Find(buffer);
            }
            return result;
        }
    }
}
