using Multilevel.Data.Csv;
using Multilevel.Data.Stata;

namespace Multilevel.Data;

/// <summary>
/// Turns a DATA argument into a frame (CONTRACT.md, "Data arguments"): a path to a <c>.csv</c> or <c>.dta</c> file,
/// or the name of a built-in data set (<see cref="Datasets"/>). A path wins over a built-in name when both exist.
/// Schema overrides (<c>--factor</c>, <c>--levels</c>) apply to both, on top of a built-in data set's own schema.
/// </summary>
public static class DataSource
{
    /// <summary>The file types read, by extension.</summary>
    public static IReadOnlyList<string> FileTypes { get; } = [".csv", ".dta"];

    /// <summary>Loads the data a DATA argument names.</summary>
    /// <param name="argument">A path or a built-in data set's name.</param>
    /// <param name="overrides">Columns to make categorical, and their levels.</param>
    /// <exception cref="DataSourceException">No such file or data set, or a file type that is not read.</exception>
    /// <exception cref="DataFormatException">The file cannot be read.</exception>
    /// <exception cref="UnknownColumnException">An override names a column the data does not have.</exception>
    /// <exception cref="LevelsMismatchException">A value is not among the levels given for its column.</exception>
    public static Frame Load(string argument, FrameSchema? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (File.Exists(argument)) return ReadFile(argument, overrides);
        if (Directory.Exists(argument)) throw new DataSourceException($"'{argument}' is a directory. {Accepted}");
        if (Datasets.Find(argument) is { } dataset) return Datasets.Load(dataset.Name, overrides);
        bool looksLikePath = argument.IndexOfAny(['/', '\\']) >= 0 || Path.HasExtension(argument);
        throw new DataSourceException(looksLikePath
            ? $"no such file: '{argument}'. {Accepted}"
            : $"'{argument}' is neither a file nor a built-in data set. {Accepted}");
    }

    /// <summary>What a DATA argument may be, for messages.</summary>
    public static string Accepted =>
        $"DATA is a {string.Join(" or ", FileTypes)} file, or a built-in data set: {string.Join(", ", Datasets.Names)}.";

    private static Frame ReadFile(string path, FrameSchema? overrides)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" => CsvFile.Read(path, overrides),
            ".dta" => StataFile.Read(path, overrides),
            _ => throw new DataSourceException(
                $"'{path}': {(extension.Length == 0 ? "a file without an extension" : $"'{extension}' files")} cannot be read. {Accepted}"),
        };
    }
}
