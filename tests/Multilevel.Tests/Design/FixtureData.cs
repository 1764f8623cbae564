using System.Text.Json;
using Multilevel.Data;

namespace Multilevel.Tests.Design;

/// <summary>Loads the repo's fixture CSV files with the product's reader and the factor schema of
/// fixtures/reference/datasets.json (columns not listed there are numeric, as in R).</summary>
internal static class FixtureData
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string ReferencePath(string file) => Path.Combine(Root, "reference", file);

    public static string DataPath(string file) => Path.Combine(Root, "data", file);

    private static readonly Lazy<JsonDocument> Schema = new(() =>
        JsonDocument.Parse(File.ReadAllText(ReferencePath("datasets.json"))));

    /// <summary>The schema datasets.json gives a file (hsb_missing.csv has hsb.csv's).</summary>
    public static FrameSchema SchemaOf(string file)
    {
        var key = file.Replace("_missing", "", StringComparison.Ordinal);
        var levels = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (Schema.Value.RootElement.TryGetProperty(key, out var entry) && entry.TryGetProperty("factors", out var f))
        {
            foreach (var p in f.EnumerateObject())
            {
                levels.Add(new(p.Name, [.. p.Value.EnumerateArray().Select(e => e.GetString()!)]));
            }
        }
        return new FrameSchema(null, levels);
    }

    public static Frame Load(string file)
    {
        if (!File.Exists(DataPath(file)))
        {
            // not a fixture (insteval.csv): the built-in data set carries the same schema
            return Datasets.Load(Path.GetFileNameWithoutExtension(file));
        }
        return DataSource.Load(DataPath(file), SchemaOf(file));
    }
}
