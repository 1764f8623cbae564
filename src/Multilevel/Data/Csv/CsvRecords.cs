using CsvHelper;

namespace Multilevel.Data.Csv;

/// <summary>
/// The records of a CSV file (RFC 4180, comma-separated, UTF-8, header row) as UTF-8 fields, checked as they are
/// read: a header with an empty or repeated name, a record with another number of fields than the header, a quoted
/// field that is never closed and text after a closing quote are errors naming the file, the line and the column.
/// A quote inside an unquoted field is kept as text. Empty lines are skipped.
/// </summary>
internal sealed class CsvRecords : IDisposable
{
    private readonly CsvReader _reader;
    private readonly string _source;
    private CsvMalformedRecord? _malformed;

    public CsvRecords(Stream stream, string source)
    {
        _source = source;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            TrackLineNumbers = true,
            DetectSeparatorHint = false,
            OnMalformedRecord = record =>
            {
                if (record.Reason != CsvMalformedReason.StrayQuote) _malformed ??= record;
            },
        };
        _reader = CsvReader.Create(stream, options, leaveOpen: false);
        try
        {
            Header = ReadHeader();
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The file or data set being read, for messages.</summary>
    public string Source => _source;

    /// <summary>The 1-based line where the current record starts.</summary>
    public long Line => _reader.LineNumber;

    /// <summary>The 1-based number of the current data record.</summary>
    public long Row => _reader.RowNumber;

    /// <summary>Field <paramref name="index"/> of the current record, unquoted, as UTF-8; valid until the next read.</summary>
    public ReadOnlySpan<byte> this[int index] => _reader.GetSpan(index);

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        bool more = Guard(_reader.Read);
        CheckMalformed();
        if (more && _reader.FieldCount != Header.Count)
        {
            int n = _reader.FieldCount;
            string which = n < Header.Count ? $"column '{Header[n]}' and after are missing" : "there are more fields than columns";
            throw new DataFormatException(
                $"row {Row} has {n} field{(n == 1 ? "" : "s")} but the header has {Header.Count} ({which}); " +
                "check for a missing or extra comma, or an unquoted comma inside a value",
                _source, Line);
        }
        return more;
    }

    public void Dispose() => _reader.Dispose();

    private List<string> ReadHeader()
    {
        var names = Guard(() => _reader.Headers).ToList();
        CheckMalformed();
        if (names.Count == 0) throw new DataFormatException("the file is empty: a CSV file needs a header row naming its columns", _source, 1);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(names[j]))
            {
                throw new DataFormatException(
                    $"the header's field {j + 1} is empty: every column needs a name (a column of row names, as R's " +
                    "write.csv writes by default, must be named or removed)", _source, 1);
            }
            if (!seen.TryAdd(names[j], j))
            {
                throw new DataFormatException(
                    $"the header names two columns '{names[j]}' (fields {seen[names[j]] + 1} and {j + 1}); column names must be unique",
                    _source, 1);
            }
        }
        return names;
    }

    private void CheckMalformed()
    {
        if (_malformed is not { } bad) return;
        string what = bad.Reason switch
        {
            CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (a missing \" runs to the end of the file)",
            CsvMalformedReason.TextAfterClosingQuote => "text follows the closing quote of a quoted field (write a quote inside a quoted field as \"\")",
            CsvMalformedReason.LineBreakInQuotes => "a line break inside a quoted field",
            _ => $"malformed quoting ({bad.Reason})",
        };
        throw new DataFormatException(what, _source, bad.LineNumber);
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException(e.Message, _source, e.LineNumber > 0 ? e.LineNumber : null);
        }
        catch (IOException e)
        {
            throw new DataFormatException($"cannot be read: {e.Message}", _source);
        }
    }
}
