using System.Globalization;
using System.Text.Json;
using Multilevel.Design;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// Builds <see cref="ModelDesign"/>s by hand from the fixture CSVs (until the formula/design step lands):
/// simple CSV parsing, factor levels from datasets.json (else numeric or ordinal sort), R's column names.
/// </summary>
internal sealed class HandDesign
{
    private readonly string _file;
    private readonly Dictionary<string, string[]> _columns;
    private readonly int _rows;
    private string _response = "";
    private readonly List<(string Name, Func<Row, double> Value)> _fixed = [];
    private readonly List<(string Group, Func<Row, string> Level, IReadOnlyList<string>? Levels, (string Name, Func<Row, double> Value)[] Columns)> _random = [];
    private Func<Row, double>? _weights;

    private HandDesign(string file)
    {
        _file = file;
        var lines = File.ReadAllLines(Fixtures.DataPath(file));
        var header = Split(lines[0]);
        _columns = header.ToDictionary(h => h, _ => new string[lines.Length - 1]);
        for (int i = 1; i < lines.Length; i++)
        {
            var f = Split(lines[i]);
            for (int j = 0; j < header.Length; j++) _columns[header[j]][i - 1] = f[j];
        }
        _rows = lines.Length - 1;
    }

    public static HandDesign Load(string file) => new(file);

    public HandDesign Response(string column)
    {
        _response = column;
        return this;
    }

    public HandDesign Intercept() => Fixed("(Intercept)", _ => 1.0);

    public HandDesign Fixed(string name, Func<Row, double> value)
    {
        _fixed.Add((name, value));
        return this;
    }

    public HandDesign Fixed(string column) => Fixed(column, r => r.Num(column));

    public HandDesign Weights(Func<Row, double> w)
    {
        _weights = w;
        return this;
    }

    /// <summary>A random-effects term grouped by a column (factor levels as R orders them).</summary>
    public HandDesign Random(string group, params (string Name, Func<Row, double> Value)[] columns) =>
        Random(group, r => r.Str(group), FactorLevels(group), columns);

    public HandDesign Random(string group, Func<Row, string> level, IReadOnlyList<string>? levels, params (string Name, Func<Row, double> Value)[] columns)
    {
        _random.Add((group, level, levels, columns));
        return this;
    }

    public static (string, Func<Row, double>) One => ("(Intercept)", _ => 1.0);

    public static (string, Func<Row, double>) Col(string c) => (c, r => r.Num(c));

    /// <summary>Levels of a column as R's factor() would order them: datasets.json, else numeric, else ordinal.</summary>
    public IReadOnlyList<string> FactorLevels(string column)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.ReferencePath("datasets.json")));
        if (doc.RootElement.TryGetProperty(_file, out var ds) && ds.TryGetProperty("factors", out var fs) && fs.TryGetProperty(column, out var lv))
        {
            return [.. lv.EnumerateArray().Select(e => e.GetString()!)];
        }
        var distinct = _columns[column].Where(v => v != "NA" && v.Length > 0).Distinct().ToList();
        if (distinct.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return [.. distinct.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture))];
        }
        return [.. distinct.OrderBy(v => v, StringComparer.Ordinal)];
    }

    public ModelDesign Build(string formula)
    {
        var used = new List<int>();
        for (int i = 0; i < _rows; i++)
        {
            var row = new Row(this, i);
            bool ok = !double.IsNaN(row.Num(_response));
            foreach (var f in _fixed) ok &= !double.IsNaN(f.Value(row));
            foreach (var t in _random)
            {
                ok &= t.Level(row) is { } s && s != "NA";
                foreach (var c in t.Columns) ok &= !double.IsNaN(c.Value(row));
            }
            if (ok) used.Add(i);
        }
        int n = used.Count;
        var y = used.Select(i => new Row(this, i).Num(_response)).ToArray();
        var x = new double[n * _fixed.Count];
        for (int j = 0; j < _fixed.Count; j++)
        {
            for (int r = 0; r < n; r++) x[j * n + r] = _fixed[j].Value(new Row(this, used[r]));
        }
        var terms = new List<ReTerm>();
        foreach (var t in _random)
        {
            var labels = used.Select(i => t.Level(new Row(this, i))).ToArray();
            var present = new HashSet<string>(labels);
            var levels = (t.Levels ?? [.. labels.Distinct().OrderBy(s => s, StringComparer.Ordinal)]).Where(present.Contains).ToList();
            var index = levels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
            var codes = labels.Select(l => index[l]).ToArray();
            int q = t.Columns.Length;
            var z = new double[n * q];
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < q; c++) z[r * q + c] = t.Columns[c].Value(new Row(this, used[r]));
            }
            terms.Add(new ReTerm(t.Group, levels, codes, [.. t.Columns.Select(c => c.Name)], z));
        }
        // lme4's order: most levels first, stable
        var ordered = terms.Select((t, i) => (t, i)).OrderByDescending(p => p.t.LevelCount).ThenBy(p => p.i).Select(p => p.t).ToList();
        return new ModelDesign
        {
            FormulaText = formula,
            Response = new Response(_response, y),
            X = new FixedEffectsMatrix(x, n, [.. _fixed.Select(f => f.Name)]),
            RandomEffects = ordered,
            Weights = _weights is null ? null : used.Select(i => _weights(new Row(this, i))).ToArray(),
            RowsInData = _rows,
            RowIndex = [.. used],
        };
    }

    private static string[] Split(string line)
    {
        var result = new List<string>();
        int i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                int j = line.IndexOf('"', i + 1);
                result.Add(line[(i + 1)..j]);
                i = j + 2;
            }
            else
            {
                int j = line.IndexOf(',', i);
                if (j < 0) j = line.Length;
                result.Add(line[i..j]);
                i = j + 1;
            }
        }
        return [.. result];
    }

    internal readonly struct Row(HandDesign d, int index)
    {
        public string Str(string column) => d._columns[column][index];

        public double Num(string column)
        {
            var s = d._columns[column][index];
            return s == "NA" || s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
        }
    }
}
