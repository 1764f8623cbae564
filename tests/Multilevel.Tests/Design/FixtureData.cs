using System.Globalization;
using System.Text;
using System.Text.Json;
using Multilevel.Data;

namespace Multilevel.Tests.Design;

/// <summary>Loads the repo's fixture CSV files with the factor schema of fixtures/reference/datasets.json
/// (a small reader for the design tests; the product's readers live in Data/).</summary>
internal static class FixtureData
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string ReferencePath(string file) => Path.Combine(Root, "reference", file);

    public static string DataPath(string file) => Path.Combine(Root, "data", file);

    private static readonly Lazy<JsonDocument> Schema = new(() =>
        JsonDocument.Parse(File.ReadAllText(ReferencePath("datasets.json"))));

    public static Frame Load(string file)
    {
        var lines = File.ReadAllLines(DataPath(file));
        var header = SplitLine(lines[0]);
        var cells = lines.Skip(1).Where(l => l.Length > 0).Select(SplitLine).ToList();
        var schemaKey = file.Replace("_missing", "", StringComparison.Ordinal);
        Dictionary<string, string[]> factors = [];
        if (Schema.Value.RootElement.TryGetProperty(schemaKey, out var entry) && entry.TryGetProperty("factors", out var f))
        {
            foreach (var p in f.EnumerateObject()) factors[p.Name] = [.. p.Value.EnumerateArray().Select(e => e.GetString()!)];
        }
        var columns = new List<Column>();
        for (int j = 0; j < header.Count; j++)
        {
            var raw = cells.Select(c => c[j]).ToArray();
            bool IsMissing(string s) => s.Length == 0 || s == "NA";
            if (factors.TryGetValue(header[j], out var levels))
            {
                var index = levels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
                columns.Add(new CategoricalColumn(header[j], [.. raw.Select(s => IsMissing(s) ? -1 : index[s])], levels));
            }
            else if (raw.All(s => IsMissing(s) || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                columns.Add(new NumericColumn(header[j], [.. raw.Select(s => IsMissing(s) ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture))]));
            }
            else
            {
                var distinct = raw.Where(s => !IsMissing(s)).Distinct().Order(StringComparer.Ordinal).ToArray();
                var index = distinct.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
                columns.Add(new CategoricalColumn(header[j], [.. raw.Select(s => IsMissing(s) ? -1 : index[s])], distinct));
            }
        }
        return new Frame(columns);
    }

    private static List<string> SplitLine(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }
}
