using System.IO.Compression;
using System.Text.Json;
using Multilevel.Data.Csv;

namespace Multilevel.Data;

/// <summary>
/// The built-in data sets: gzip-compressed CSV files embedded in the library, each with its factor schema (which
/// columns R holds as factors, and their level order; the other columns are numeric).
/// </summary>
public static class Datasets
{
    private static readonly (string Name, string Description)[] Catalogue =
    [
        ("hsb", "High School and Beyond 1982: math achievement and SES of 7,185 students in 160 schools (sector 1 = Catholic)"),
        ("sleepstudy", "Reaction time over 10 days of sleep deprivation, 18 subjects (lme4)"),
        ("dyestuff", "Yield of dyestuff in 6 batches of an intermediate product, 5 preparations each (lme4)"),
        ("dyestuff2", "Simulated yields in 6 batches whose between-batch variance estimate is zero: a singular fit (lme4)"),
        ("penicillin", "Potency of 6 penicillin samples on 24 plates: inhibition-zone diameter, crossed factors (lme4)"),
        ("pastes", "Strength of a paste: 3 casks nested in each of 10 batches, 2 assays each (lme4)"),
        ("cbpp", "Contagious bovine pleuropneumonia: new cases (incidence) of herd size, 15 herds x 4 periods (lme4)"),
        ("grouseticks", "Ticks on red grouse chicks: counts by brood, location and year, with height (lme4)"),
        ("insteval", "Lecture evaluations at ETH Zurich: 73,421 ratings, 2,972 students x 1,128 lecturers in 14 departments (lme4)"),
    ];

    private static readonly Lazy<IReadOnlyList<DatasetInfo>> Infos = new(LoadInfos);

    /// <summary>Every built-in data set, in the order <c>mlm datasets</c> lists them.</summary>
    public static IReadOnlyList<DatasetInfo> All => Infos.Value;

    /// <summary>The names of the built-in data sets.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Catalogue.Select(c => c.Name)];

    /// <summary>The data set of this name (ignoring case), or null.</summary>
    public static DatasetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads a built-in data set with its schema, with <paramref name="overrides"/> on top.</summary>
    /// <exception cref="DataSourceException">No data set has this name.</exception>
    public static Frame Load(string name, FrameSchema? overrides = null)
    {
        var info = Find(name) ?? throw new DataSourceException(
            $"'{name}' is not a built-in data set; they are: {string.Join(", ", Names)}");
        var schema = overrides is null ? info.Schema : info.Schema.OverriddenBy(overrides);
        return CsvFile.Read(() => Open(info.Name), info.Name, schema);
    }

    /// <summary>The data set's CSV text, decompressed (for reading it in chunks with <see cref="CsvFile.ReadChunks"/>).</summary>
    public static Stream Open(string name)
    {
        var info = Find(name) ?? throw new DataSourceException($"'{name}' is not a built-in data set");
        return new GZipStream(Resource($"{info.Name}.csv.gz"), CompressionMode.Decompress);
    }

    private static List<DatasetInfo> LoadInfos()
    {
        using var json = JsonDocument.Parse(new GZipStream(Resource("datasets.json.gz"), CompressionMode.Decompress));
        var result = new List<DatasetInfo>();
        foreach (var (name, description) in Catalogue)
        {
            var factors = json.RootElement.GetProperty($"{name}.csv").GetProperty("factors");
            var levels = factors.EnumerateObject().Select(p => new KeyValuePair<string, IReadOnlyList<string>>(
                p.Name, [.. p.Value.EnumerateArray().Select(v => v.GetString()!)]));
            result.Add(new DatasetInfo(name, description, new FrameSchema(null, levels)));
        }
        return result;
    }

    private static Stream Resource(string file) =>
        typeof(Datasets).Assembly.GetManifestResourceStream($"Multilevel.Data.Datasets.{file}")
        ?? throw new InvalidOperationException($"the library was built without its resource {file}");
}
