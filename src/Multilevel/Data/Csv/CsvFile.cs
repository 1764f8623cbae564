namespace Multilevel.Data.Csv;

/// <summary>
/// Reads CSV files (comma-separated, UTF-8, a header row, RFC 4180 quoting) into frames. <c>NA</c> and the empty
/// field are missing. A column whose every non-missing value is a number is numeric, else categorical with levels in
/// <see cref="LevelOrder"/>; a <see cref="FrameSchema"/> makes columns categorical and can fix their levels.
/// Errors name the file, the line and the column, and no frame is returned from a file with an error.
/// </summary>
public static class CsvFile
{
    /// <summary>Reads a whole CSV file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">Columns to read as categorical, and their levels.</param>
    /// <exception cref="DataFormatException">The file cannot be read or is malformed.</exception>
    /// <exception cref="UnknownColumnException">The schema names a column the file does not have.</exception>
    /// <exception cref="LevelsMismatchException">A value is not among the levels the schema gives its column.</exception>
    public static Frame Read(string path, FrameSchema? schema = null) => Read(Opener(path), path, schema);

    /// <summary>Reads a whole CSV stream. <paramref name="open"/> is called once, or twice when a column turns out
    /// not to be numeric only after numbers (so that its levels keep the file's text).</summary>
    /// <param name="open">Opens the stream (the reader disposes it).</param>
    /// <param name="source">The name to use in messages.</param>
    /// <param name="schema">Columns to read as categorical, and their levels.</param>
    public static Frame Read(Func<Stream> open, string source, FrameSchema? schema = null)
    {
        var builders = ReadAll(open, source, schema ?? FrameSchema.Empty, store: true);
        return new Frame(builders.Select(b => b.Build()));
    }

    /// <summary>
    /// Reads the file once to find every column's type and, for categorical columns, every level: the schema that
    /// <see cref="ReadChunks"/> reads with. Holds only the distinct levels in memory, not the values.
    /// </summary>
    /// <returns>A schema in which every categorical column has its level list; numeric columns are not named.</returns>
    public static FrameSchema ScanSchema(Func<Stream> open, string source, FrameSchema? schema = null)
    {
        var builders = ReadAll(open, source, schema ?? FrameSchema.Empty, store: false);
        return new FrameSchema(null, builders
            .Where(b => b.Levels is not null)
            .Select(b => new KeyValuePair<string, IReadOnlyList<string>>(b.Name, b.Levels!)));
    }

    /// <summary>
    /// Reads a CSV stream in chunks of at most <paramref name="chunkRows"/> rows, for data too large to hold: the file
    /// is scanned first (<see cref="ScanSchema"/>, which also finds any malformed record before a chunk is returned),
    /// then read again chunk by chunk. Every chunk has the same columns, types and levels.
    /// </summary>
    public static IEnumerable<Frame> ReadChunks(Func<Stream> open, string source, int chunkRows, FrameSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        var complete = ScanSchema(open, source, schema);
        return Chunks(open, source, chunkRows, complete);
    }

    /// <summary>
    /// Reads a CSV stream in chunks with the schema <see cref="ScanSchema"/> returned for it, without scanning it again
    /// (for a reader that passes over the file several times, such as a streamed model fit).
    /// </summary>
    public static IEnumerable<Frame> ReadScannedChunks(Func<Stream> open, string source, int chunkRows, FrameSchema scanned)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(scanned);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        return Chunks(open, source, chunkRows, scanned);
    }

    private static IEnumerable<Frame> Chunks(Func<Stream> open, string source, int chunkRows, FrameSchema complete)
    {
        using var records = Open(open, source);
        var builders = Builders(records.Header, complete, [], store: true);
        while (records.Read())
        {
            Add(records, builders);
            if (builders[0].Count == chunkRows)
            {
                yield return Build(builders, source);
                builders = Builders(records.Header, complete, [], store: true);
            }
        }
        if (builders[0].Count > 0) yield return Build(builders, source);
    }

    private static CsvColumnBuilder[] ReadAll(Func<Stream> open, string source, FrameSchema schema, bool store)
    {
        ArgumentNullException.ThrowIfNull(open);
        var asText = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            CsvColumnBuilder[] builders;
            using (var records = Open(open, source))
            {
                schema.CheckColumns(records.Header);
                builders = Builders(records.Header, schema, asText, store);
                while (records.Read()) Add(records, builders);
            }
            var again = builders.Where(b => b.NeedsTextPass).Select(b => b.Name).ToList();
            if (again.Count == 0) return builders;
            asText.UnionWith(again);
        }
    }

    private static CsvColumnBuilder[] Builders(IReadOnlyList<string> header, FrameSchema schema, HashSet<string> asText, bool store) =>
        [.. header.Select(name => schema.LevelsOf(name) is { } levels
            ? CsvColumnBuilder.Fixed(name, levels, store)
            : schema.IsCategorical(name) || asText.Contains(name)
                ? CsvColumnBuilder.Text(name, store)
                : CsvColumnBuilder.Inferred(name, store))];

    private static void Add(CsvRecords records, CsvColumnBuilder[] builders)
    {
        for (int j = 0; j < builders.Length; j++) builders[j].Add(records[j], records);
    }

    private static Frame Build(CsvColumnBuilder[] builders, string source)
    {
        if (builders.FirstOrDefault(b => b.NeedsTextPass) is { } changed)
        {
            throw new DataFormatException("the file changed while it was read in chunks: the column now holds text", source, null, changed.Name);
        }
        return new Frame(builders.Select(b => b.Build()));
    }

    private static CsvRecords Open(Func<Stream> open, string source)
    {
        Stream stream;
        try
        {
            stream = open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"cannot be opened: {e.Message}", source);
        }
        try
        {
            return new CsvRecords(stream, source);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static Func<Stream> Opener(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }
}
