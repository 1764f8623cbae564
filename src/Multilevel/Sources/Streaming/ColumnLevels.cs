using Multilevel.Data;
using Multilevel.Formulas;

namespace Multilevel.Sources.Streaming;

/// <summary>
/// The levels of one data column used as a factor, collected chunk by chunk over the rows a model uses, then put in
/// the in-memory design's order: a categorical column keeps its schema's order, numbers sort numerically and are
/// labelled as R prints them. Before <see cref="Finish"/> a row's level has a provisional code (the schema's code, or
/// the order in which a number was first seen); after it, every level has its final code.
/// </summary>
internal sealed class ColumnLevels
{
    private readonly IReadOnlyList<string>? _schema;
    private readonly bool[]? _usedCategory;
    private readonly Dictionary<double, int>? _firstSeen;
    private readonly List<double>? _seenValues;
    private readonly HashSet<double>? _allValues;
    private int[]? _categoryToFinal;
    private Dictionary<double, int>? _numberToFinal;

    public ColumnLevels(string column, IReadOnlyList<string>? schemaLevels, bool keepUnused)
    {
        Column = column;
        _schema = schemaLevels;
        if (schemaLevels is not null)
        {
            _usedCategory = new bool[schemaLevels.Count];
        }
        else
        {
            _firstSeen = [];
            _seenValues = [];
            if (keepUnused) _allValues = [];
        }
    }

    /// <summary>The data column.</summary>
    public string Column { get; }

    /// <summary>True for a categorical column.</summary>
    public bool IsCategorical => _schema is not null;

    /// <summary>The final levels (after <see cref="Finish"/>).</summary>
    public string[] Levels { get; private set; } = [];

    /// <summary>The levels present in the rows used, in order (after <see cref="Finish"/>).</summary>
    public string[] PresentLevels { get; private set; } = [];

    /// <summary>Levels of the column's schema that no used row has (after <see cref="Finish"/>).</summary>
    public string[] UnusedLevels { get; private set; } = [];

    /// <summary>For each final level, its index among <see cref="PresentLevels"/>, or −1 (after <see cref="Finish"/>).</summary>
    public int[] PresentIndex { get; private set; } = [];

    private static double Normalize(double v) => v == 0 ? 0.0 : v;

    /// <summary>Records the levels of one chunk's used rows (and, when unused levels are kept, of all its rows).</summary>
    public void Observe(Column column, ReadOnlySpan<int> usedRows)
    {
        if (_usedCategory is not null)
        {
            var codes = ((CategoricalColumn)column).Codes;
            foreach (int r in usedRows) _usedCategory[codes[r]] = true;
            return;
        }
        var values = ((NumericColumn)column).Values;
        foreach (int r in usedRows)
        {
            double v = Normalize(values[r]);
            if (_firstSeen!.TryAdd(v, _seenValues!.Count)) _seenValues.Add(v);
        }
        if (_allValues is not null)
        {
            foreach (double v in values)
            {
                if (!double.IsNaN(v)) _allValues.Add(Normalize(v));
            }
        }
    }

    /// <summary>The provisional code of a used row (valid after <see cref="Observe"/> saw it).</summary>
    public int ProvisionalCode(Column column, int row) =>
        _usedCategory is not null ? ((CategoricalColumn)column)[row] : _firstSeen![Normalize(((NumericColumn)column)[row])];

    /// <summary>Puts the levels in order: the levels of the rows used (or, with <paramref name="keepUnused"/>, every
    /// level of the schema or of all rows).</summary>
    public void Finish(bool keepUnused)
    {
        if (_schema is not null)
        {
            var present = new List<string>();
            var unused = new List<string>();
            _categoryToFinal = new int[_schema.Count];
            var final = new List<string>();
            var presentIndex = new List<int>();
            for (int c = 0; c < _schema.Count; c++)
            {
                bool used = _usedCategory![c];
                if (used) present.Add(_schema[c]);
                else unused.Add(_schema[c]);
                if (used || keepUnused)
                {
                    _categoryToFinal[c] = final.Count;
                    final.Add(_schema[c]);
                    presentIndex.Add(used ? present.Count - 1 : -1);
                }
                else
                {
                    _categoryToFinal[c] = -1;
                }
            }
            Levels = [.. final];
            PresentLevels = [.. present];
            UnusedLevels = [.. unused];
            PresentIndex = [.. presentIndex];
            return;
        }
        var usedSorted = _seenValues!.ToArray();
        Array.Sort(usedSorted);
        double[] finalValues = usedSorted;
        if (keepUnused && _allValues is not null)
        {
            finalValues = [.. _allValues];
            Array.Sort(finalValues);
        }
        _numberToFinal = new Dictionary<double, int>(finalValues.Length);
        for (int i = 0; i < finalValues.Length; i++) _numberToFinal[finalValues[i]] = i;
        Levels = [.. finalValues.Select(RNumberFormat.Format)];
        PresentLevels = [.. usedSorted.Select(RNumberFormat.Format)];
        var usedSet = new HashSet<double>(usedSorted);
        int next = 0;
        PresentIndex = [.. finalValues.Select(v => usedSet.Contains(v) ? next++ : -1)];
        UnusedLevels = [];
    }

    /// <summary>The final code of a provisional code.</summary>
    public int FinalOfProvisional(int code) =>
        _categoryToFinal is not null ? _categoryToFinal[code] : _numberToFinal![_seenValues![code]];

    /// <summary>The column of a chunk's rows recoded to the final levels (codes −1 for levels dropped, which only rows
    /// that are not used can have).</summary>
    public CategoricalColumn Recode(Column column)
    {
        int n = column.Length;
        var codes = new int[n];
        if (_categoryToFinal is not null)
        {
            var source = ((CategoricalColumn)column).Codes;
            for (int i = 0; i < n; i++) codes[i] = source[i] < 0 ? -1 : _categoryToFinal[source[i]];
        }
        else
        {
            var values = ((NumericColumn)column).Values;
            for (int i = 0; i < n; i++)
            {
                double v = values[i];
                codes[i] = double.IsNaN(v) ? -1 : _numberToFinal!.GetValueOrDefault(Normalize(v), -1);
            }
        }
        return new CategoricalColumn(Column, codes, Levels);
    }
}
