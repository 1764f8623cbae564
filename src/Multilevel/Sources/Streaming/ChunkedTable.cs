using Multilevel.Data;
using Multilevel.Data.Csv;
using Multilevel.Data.Stata;

namespace Multilevel.Sources.Streaming;

/// <summary>
/// A table read in chunks of rows, as many times as asked, every chunk with the same columns, types and levels: the
/// schema is found before the first chunk is returned. Memory is bounded by the chunk size and the schema.
/// </summary>
public abstract class ChunkedTable
{
    /// <summary>The file, for messages.</summary>
    public abstract string Source { get; }

    /// <summary>The columns, in order.</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The levels of a categorical column (null for a numeric column).</summary>
    public abstract IReadOnlyList<string>? LevelsOf(string column);

    /// <summary>Bytes read by one pass over the rows.</summary>
    public abstract long BytesPerPass { get; }

    /// <summary>Passes over the file made so far (the schema scan included).</summary>
    public int Passes { get; protected set; }

    /// <summary>Chunks returned so far, over every pass.</summary>
    public long ChunksRead { get; private set; }

    /// <summary>Rows of the largest chunk returned so far.</summary>
    public int LargestChunkRows { get; private set; }

    /// <summary>Reads the rows again, in chunks of at most <paramref name="chunkRows"/> rows.</summary>
    public IEnumerable<Frame> Chunks(int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        Passes++;
        return Counted(ReadChunks(chunkRows));
    }

    /// <summary>The rows, in chunks of at most <paramref name="chunkRows"/> rows (one pass over the file).</summary>
    private protected abstract IEnumerable<Frame> ReadChunks(int chunkRows);

    private IEnumerable<Frame> Counted(IEnumerable<Frame> chunks)
    {
        foreach (var chunk in chunks)
        {
            ChunksRead++;
            LargestChunkRows = Math.Max(LargestChunkRows, chunk.RowCount);
            yield return chunk;
        }
    }

    /// <summary>A CSV file (<see cref="CsvFile"/>): a first pass finds the types and levels.</summary>
    public static ChunkedTable Csv(string path, FrameSchema? overrides = null) => new CsvTable(path, overrides);

    /// <summary>A Stata .dta file (<see cref="StataFile"/>): a first pass finds the levels of its string columns.</summary>
    public static ChunkedTable Stata(string path, FrameSchema? overrides = null) => new StataTable(path, overrides);

    /// <summary>A CSV or .dta file, by its extension.</summary>
    /// <exception cref="DataSourceException">Another kind of file.</exception>
    public static ChunkedTable Open(string path, FrameSchema? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new DataSourceException($"no such file: '{path}'");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => Csv(path, overrides),
            ".dta" => Stata(path, overrides),
            var e => throw new DataSourceException($"'{path}': {(e.Length == 0 ? "a file without an extension" : $"'{e}' files")} cannot be streamed: a .csv or .dta file can"),
        };
    }

    private sealed class CsvTable : ChunkedTable
    {
        private readonly string _path;
        private readonly FrameSchema _scanned;
        private readonly IReadOnlyList<string> _columns;

        public CsvTable(string path, FrameSchema? overrides)
        {
            _path = path;
            _scanned = CsvFile.ScanSchema(Open, path, overrides);
            Passes = 1;
            using var records = new CsvRecords(Open(), path);
            _columns = [.. records.Header];
        }

        public override string Source => _path;

        public override IReadOnlyList<string> ColumnNames => _columns;

        public override long BytesPerPass => new FileInfo(_path).Length;

        public override IReadOnlyList<string>? LevelsOf(string column) => _scanned.LevelsOf(column);

        private protected override IEnumerable<Frame> ReadChunks(int chunkRows) => CsvFile.ReadScannedChunks(Open, _path, chunkRows, _scanned);

        private Stream Open() => new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    private sealed class StataTable : ChunkedTable
    {
        private readonly string _path;
        private readonly StataChunks _file;

        public StataTable(string path, FrameSchema? overrides)
        {
            _path = path;
            _file = StataChunks.Open(path, overrides);
            Passes = 1;
        }

        public override string Source => _path;

        public override IReadOnlyList<string> ColumnNames => _file.ColumnNames;

        public override long BytesPerPass => _file.DataBytes;

        public override IReadOnlyList<string>? LevelsOf(string column) => _file.LevelsOf(column);

        private protected override IEnumerable<Frame> ReadChunks(int chunkRows) => _file.ReadChunks(chunkRows);
    }
}
