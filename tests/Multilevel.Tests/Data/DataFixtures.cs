using Multilevel.Data;
using Xunit;

namespace Multilevel.Tests.Data;

/// <summary>Paths of the repository's data fixtures, and helpers the data tests share.</summary>
internal static class DataFixtures
{
    public static string Dir { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "data");

    public static string ReferenceDir { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "reference");

    public static string DataFile(string file) => Path.Combine(Dir, file);

    /// <summary>A temporary file with the given bytes, deleted on dispose.</summary>
    public static TempFile Temp(string extension, byte[] bytes) => new(extension, bytes);

    /// <summary>A temporary file with the given text (UTF-8, no BOM).</summary>
    public static TempFile Temp(string extension, string text) => new(extension, System.Text.Encoding.UTF8.GetBytes(text));

    public static NumericColumn Numeric(Frame frame, string name) => Assert.IsType<NumericColumn>(frame[name]);

    public static CategoricalColumn Categorical(Frame frame, string name) => Assert.IsType<CategoricalColumn>(frame[name]);

    /// <summary>The values of a categorical column as text (null = missing).</summary>
    public static List<string?> Texts(Column column) => [.. Enumerable.Range(0, column.Length).Select(column.FormatValue)];

    internal sealed class TempFile : IDisposable
    {
        public TempFile(string extension, byte[] bytes)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlm-test-{Guid.NewGuid():N}{extension}");
            File.WriteAllBytes(Path, bytes);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
