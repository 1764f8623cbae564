using System.Globalization;
using System.Text;

namespace Multilevel.Data.Csv;

/// <summary>
/// Collects one CSV column, field by field. A column is read in one of three ways:
/// <list type="bullet">
/// <item>inferred: numbers while every value is one; at the first value that is not, it becomes text when no value
/// came before (else <see cref="NeedsTextPass"/> asks for the file to be read again with the column as text, so that
/// levels keep the file's own text);</item>
/// <item>text: categorical, levels inferred (<see cref="LevelOrder"/>);</item>
/// <item>fixed levels: categorical with given levels; a value outside them is an error naming it, its row and line.</item>
/// </list>
/// Missing: the empty field, <c>NA</c> and blanks. With <c>store</c> false only the kind and the levels are kept
/// (a schema scan of a file too large to hold).
/// </summary>
internal sealed class CsvColumnBuilder
{
    private enum Kind { Inferred, Text, FixedLevels }

    private readonly string _name;
    private readonly bool _store;
    private readonly IReadOnlyList<string>? _fixedLevels;
    private readonly LevelMatcher? _matcher;
    private Kind _kind;
    private double[] _numbers = [];
    private int[] _codes = [];
    private int _count;
    private bool _sawValue;
    private Dictionary<string, int>? _textCodes;
    private char[] _chars = new char[64];

    private CsvColumnBuilder(string name, Kind kind, IReadOnlyList<string>? fixedLevels, bool store)
    {
        _name = name;
        _kind = kind;
        _store = store;
        _fixedLevels = fixedLevels;
        if (fixedLevels is not null) _matcher = new LevelMatcher(fixedLevels);
        if (kind == Kind.Text) _textCodes = new Dictionary<string, int>(StringComparer.Ordinal);
    }

    /// <summary>A column whose type is inferred from its values.</summary>
    public static CsvColumnBuilder Inferred(string name, bool store) => new(name, Kind.Inferred, null, store);

    /// <summary>A categorical column with inferred levels.</summary>
    public static CsvColumnBuilder Text(string name, bool store) => new(name, Kind.Text, null, store);

    /// <summary>A categorical column with exactly these levels.</summary>
    public static CsvColumnBuilder Fixed(string name, IReadOnlyList<string> levels, bool store) => new(name, Kind.FixedLevels, levels, store);

    /// <summary>The column's name.</summary>
    public string Name => _name;

    /// <summary>True when the column turned out not to be numeric after numeric values had been read: the file must
    /// be read again with this column as text.</summary>
    public bool NeedsTextPass { get; private set; }

    /// <summary>Number of values added.</summary>
    public int Count => _count;

    /// <summary>Adds the field of the current record.</summary>
    public void Add(ReadOnlySpan<byte> utf8, CsvRecords records)
    {
        if (NeedsTextPass) return;
        EnsureCapacity();
        bool missing = IsMissing(utf8);
        switch (_kind)
        {
            case Kind.Inferred:
                if (missing)
                {
                    if (_store) _numbers[_count] = double.NaN;
                }
                else if (TryParseNumber(utf8, out double x))
                {
                    _sawValue = true;
                    if (_store) _numbers[_count] = x;
                }
                else if (_sawValue)
                {
                    NeedsTextPass = true;
                    return;
                }
                else
                {
                    BecomeText();
                    AddText(utf8, missing);
                }
                break;
            case Kind.Text:
                AddText(utf8, missing);
                break;
            default:
                int code = -1;
                if (!missing)
                {
                    var text = Decode(utf8);
                    code = _matcher!.Match(text);
                    if (code < 0) throw new LevelsMismatchException(text.ToString(), records.Row, _fixedLevels!, records.Source, records.Line, _name);
                }
                if (_store) _codes[_count] = code;
                break;
        }
        _count++;
    }

    /// <summary>The finished column.</summary>
    public Column Build()
    {
        if (NeedsTextPass) throw new InvalidOperationException($"column '{_name}' must be read again as text");
        return _kind switch
        {
            Kind.Inferred => new NumericColumn(_name, _numbers.AsSpan(0, _count).ToArray()),
            Kind.Text => BuildText(),
            _ => new CategoricalColumn(_name, _codes.AsSpan(0, _count).ToArray(), _fixedLevels!),
        };
    }

    /// <summary>The levels when the column is categorical, or null when it is numeric.</summary>
    public IReadOnlyList<string>? Levels => _kind switch
    {
        Kind.Inferred => null,
        Kind.Text => LevelOrder.Sort(_textCodes!.Keys),
        _ => _fixedLevels,
    };

    private CategoricalColumn BuildText()
    {
        var firstSeen = new string[_textCodes!.Count];
        foreach (var (text, code) in _textCodes) firstSeen[code] = text;
        var levels = LevelOrder.Sort(firstSeen);
        var position = new Dictionary<string, int>(levels.Count, StringComparer.Ordinal);
        for (int i = 0; i < levels.Count; i++) position[levels[i]] = i;
        var remap = firstSeen.Select(t => position[t]).ToArray();
        var codes = new int[_count];
        for (int i = 0; i < codes.Length; i++) codes[i] = _codes[i] < 0 ? -1 : remap[_codes[i]];
        return new CategoricalColumn(_name, codes, levels);
    }

    private void BecomeText()
    {
        _kind = Kind.Text;
        _textCodes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_store)
        {
            _codes = new int[_numbers.Length];
            _codes.AsSpan(0, _count).Fill(-1);
            _numbers = [];
        }
    }

    private void AddText(ReadOnlySpan<byte> utf8, bool missing)
    {
        int code = -1;
        if (!missing)
        {
            var text = Decode(utf8);
            var lookup = _textCodes!.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(text, out code))
            {
                code = _textCodes.Count;
                _textCodes.Add(text.ToString(), code);
            }
        }
        if (_store) _codes[_count] = code;
    }

    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        int max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_chars.Length < max) _chars = new char[Math.Max(max, 2 * _chars.Length)];
        int n = Encoding.UTF8.GetChars(utf8, _chars);
        return _chars.AsSpan(0, n);
    }

    private void EnsureCapacity()
    {
        if (!_store) return;
        int capacity = Math.Max(_numbers.Length, _codes.Length);
        if (_count < capacity) return;
        int grown = Math.Max(1024, 2 * capacity);
        if (_kind == Kind.Inferred) Array.Resize(ref _numbers, grown);
        else Array.Resize(ref _codes, grown);
    }

    private static bool IsMissing(ReadOnlySpan<byte> utf8)
    {
        var t = utf8.Trim((byte)' ');
        return t.IsEmpty || t.SequenceEqual("NA"u8);
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> utf8, out double value)
    {
        if (double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        Span<char> chars = stackalloc char[8];
        if (utf8.Length > chars.Length) return false;
        int n = Encoding.UTF8.GetChars(utf8, chars);
        return LevelOrder.TryParseNumber(chars[..n], out value);
    }
}
