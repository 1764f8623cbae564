namespace Multilevel.Data.Stata;

/// <summary>
/// Reads a .dta file in chunks of rows, each chunk with the same columns and levels as a whole read of the file
/// (<see cref="StataFile"/>) would give: a first pass (<see cref="Open"/>) reads the header, the long strings and the
/// value labels and finds the levels of the string and labelled variables; every <see cref="ReadChunks"/> then reads
/// the fixed-width records again from the start of the data. Memory holds one chunk, the levels and the long strings.
/// </summary>
internal sealed class StataChunks
{
    private readonly string _path;
    private readonly DtaLayout _layout;
    private readonly FrameSchema _schema;
    private readonly Dictionary<string, (IReadOnlyList<string> Levels, Dictionary<double, int> Codes)> _factorized = new(StringComparer.Ordinal);

    private StataChunks(string path, DtaLayout layout, FrameSchema schema)
    {
        _path = path;
        _layout = layout;
        _schema = schema;
        // --factor on a numeric variable: levels are its distinct values (as FrameSchema.Apply gives a whole read)
        foreach (var name in schema.Factors.Where(f => schema.LevelsOf(f) is null))
        {
            var v = layout.Variables.First(x => x.Name == name);
            if (v.Kind != DtaColumnKind.Numeric) continue;
            var sorted = v.DistinctNumbers!.Order().ToArray();
            var codes = new Dictionary<double, int>(sorted.Length);
            for (int i = 0; i < sorted.Length; i++) codes[sorted[i]] = i;
            _factorized[name] = ([.. sorted.Select(NumberFormat.R)], codes);
        }
        ColumnNames = [.. layout.Variables.Select(v => v.Name)];
    }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Bytes of the records (one pass over the data).</summary>
    public long DataBytes => _layout.RecordLength * _layout.Rows;

    /// <summary>Number of rows.</summary>
    public int Rows => _layout.Rows;

    /// <summary>Scans the file (the first pass).</summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">Columns to make categorical, and their levels.</param>
    public static StataChunks Open(string path, FrameSchema? schema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        schema ??= FrameSchema.Empty;
        var numbersOf = new HashSet<string>(schema.Factors, StringComparer.Ordinal);
        DtaLayout layout;
        using (var stream = OpenStream(path))
        {
            try
            {
                layout = DtaReader.Scan(stream, path, numbersOf);
            }
            catch (IOException e)
            {
                throw new DataFormatException($"cannot be read: {e.Message}", path);
            }
        }
        schema.CheckColumns([.. layout.Variables.Select(v => v.Name)]);
        return new StataChunks(path, layout, schema);
    }

    /// <summary>The levels of a column as a whole read gives them (null for a numeric column).</summary>
    public IReadOnlyList<string>? LevelsOf(string column)
    {
        if (_schema.LevelsOf(column) is { } given) return given;
        if (_factorized.TryGetValue(column, out var f)) return f.Levels;
        return _layout.Variables.FirstOrDefault(v => v.Name == column)?.Levels;
    }

    /// <summary>The rows in chunks of at most <paramref name="chunkRows"/>.</summary>
    public IEnumerable<Frame> ReadChunks(int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        return Chunks(chunkRows);
    }

    private IEnumerable<Frame> Chunks(int chunkRows)
    {
        using var stream = OpenStream(_path);
        stream.Seek(_layout.DataStart, SeekOrigin.Begin);
        var input = new DtaInput(stream, _path) { BigEndian = _layout.BigEndian, Section = "data" };
        var variables = _layout.Variables;
        var offsets = new int[variables.Count];
        for (int j = 1; j < offsets.Length; j++) offsets[j] = offsets[j - 1] + variables[j - 1].Type.Width;
        var levelsOnly = new FrameSchema(null, _schema.Levels);
        for (int start = 0; start < _layout.Rows; start += chunkRows)
        {
            int n = Math.Min(chunkRows, _layout.Rows - start);
            var numbers = new double[variables.Count][];
            var codes = new int[variables.Count][];
            for (int j = 0; j < variables.Count; j++)
            {
                if (variables[j].Kind == DtaColumnKind.Numeric) numbers[j] = new double[n];
                else codes[j] = new int[n];
            }
            for (int r = 0; r < n; r++)
            {
                var record = input.Read((int)_layout.RecordLength);
                for (int j = 0; j < variables.Count; j++)
                {
                    var v = variables[j];
                    var field = record.Slice(offsets[j], v.Type.Width);
                    switch (v.Type.Storage)
                    {
                        case DtaStorage.Str:
                            {
                                string text = DtaInput.Text(field, _layout.Encoding);
                                codes[j][r] = text.Length == 0 ? -1 : v.CodeOfText![text];
                                break;
                            }
                        case DtaStorage.StrL:
                            {
                                var key = DtaReader.LongStringKey(field, _layout.Release, _layout.BigEndian);
                                string text = key == (0, 0) ? "" : _layout.LongStrings[key];
                                codes[j][r] = text.Length == 0 ? -1 : v.CodeOfText![text];
                                break;
                            }
                        default:
                            {
                                double x = v.Type.Number(field, _layout.BigEndian, _layout.ExtendedMissing);
                                if (v.Kind == DtaColumnKind.Labelled) codes[j][r] = double.IsNaN(x) ? -1 : v.CodeOfNumber![x == 0 ? 0.0 : x];
                                else numbers[j][r] = x;
                                break;
                            }
                    }
                }
            }
            var columns = new Column[variables.Count];
            for (int j = 0; j < columns.Length; j++)
            {
                var v = variables[j];
                if (numbers[j] is { } values)
                {
                    columns[j] = _factorized.TryGetValue(v.Name, out var f)
                        ? new CategoricalColumn(v.Name, [.. values.Select(x => double.IsNaN(x) ? -1 : f.Codes[x == 0 ? 0.0 : x])], f.Levels)
                        : new NumericColumn(v.Name, values);
                }
                else
                {
                    columns[j] = new CategoricalColumn(v.Name, codes[j], v.Levels!);
                }
            }
            // --levels: recoded as a whole read recodes them (the row numbers in its errors count from this chunk's first row)
            yield return levelsOnly.Apply(new Frame(columns), _path);
        }
    }

    private static FileStream OpenStream(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"cannot be opened: {e.Message}", path);
        }
    }
}
