using System.Text.Json;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>Paths of the repo's fixtures and a reader for the reference JSON.</summary>
internal static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string DataPath(string file) => Path.Combine(Root, "data", file);

    public static string ReferencePath(string file) => Path.Combine(Root, "reference", file);

    public static JsonElement Reference(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferencePath(file)));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().Select(x => x.GetDouble())] : [e.GetDouble()];
}
