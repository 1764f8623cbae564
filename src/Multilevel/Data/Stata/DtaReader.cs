using System.Buffers.Binary;
using System.Text;

namespace Multilevel.Data.Stata;

/// <summary>
/// Reads one .dta file, written from Stata's description of the format: the binary layout of formats 110–115
/// (Stata 7–12) and the tagged layout of formats 117–119 (Stata 13–18), in either byte order. Numeric variables
/// become numeric columns, or categorical ones when a value-label set is attached (levels in code order; codes
/// without a label keep their number as level); str# and strL variables become categorical columns. Stata's
/// missing values (<c>.</c>, <c>.a</c>–<c>.z</c>) and the empty string are missing.
/// </summary>
internal sealed class DtaReader
{
    private readonly DtaInput _in;
    private readonly Dictionary<(ulong V, ulong O), string> _strls = [];
    private readonly Dictionary<string, DtaValueLabels> _labelSets = new(StringComparer.Ordinal);
    private int _release;
    private Encoding _encoding = Encoding.Latin1;
    private Variable[] _variables = [];
    private int _rows;
    private readonly DtaScan? _scan;
    private long _dataStart;
    private long _recordLength;

    private DtaReader(DtaInput input, DtaScan? scan = null)
    {
        _in = input;
        _scan = scan;
    }

    private bool ExtendedMissing => _release >= 113;

    /// <summary>Reads the stream (sequentially, to its end) into a frame.</summary>
    public static Frame Read(Stream stream, string source)
    {
        var input = new DtaInput(stream, source);
        var reader = new DtaReader(input);
        if (input.TryExpect("<stata_dta>")) reader.ReadTagged();
        else reader.ReadBinary();
        return reader.Build();
    }

    /// <summary>
    /// Reads the stream to its end without keeping the values: the header, the long strings, the value labels, and
    /// for each variable what its levels are made of (distinct texts, labelled codes present, and the distinct numbers
    /// of the variables in <paramref name="numbersOf"/>). A chunked reader reads the records again from
    /// <see cref="DtaLayout.DataStart"/> with the levels found here.
    /// </summary>
    public static DtaLayout Scan(Stream stream, string source, IReadOnlySet<string> numbersOf)
    {
        var input = new DtaInput(stream, source);
        var reader = new DtaReader(input, new DtaScan(numbersOf));
        if (input.TryExpect("<stata_dta>")) reader.ReadTagged();
        else reader.ReadBinary();
        return reader.Layout();
    }

    private void ReadBinary()
    {
        _release = _in.U8();
        byte order = _in.U8(), fileType = _in.U8();
        if (order is not (1 or 2) || fileType != 1)
        {
            throw _in.Error("this is not a Stata .dta file (its first bytes are neither a release number with a byte order " +
                            "nor '<stata_dta>')");
        }
        if (_release is < 110 or > 115)
        {
            throw _in.Error($"format {_release} is not supported: formats 110–115 and 117–119 (Stata 7–18) are read; " +
                            "save the file again from Stata with 'saveold' or 'save'");
        }
        _in.BigEndian = order == 1;
        _in.U8();
        int k = _in.U16();
        _rows = CheckRows(_in.U32());
        _in.Skip(81 + 18);

        _in.Section = "variable types";
        var types = new int[k];
        for (int j = 0; j < k; j++) types[j] = _in.U8();
        _in.Section = "variable names";
        var names = ReadNames(k, 33);
        _in.Section = "sort list";
        _in.Skip(2L * (k + 1));
        _in.Section = "display formats";
        _in.Skip((long)k * (_release >= 114 ? 49 : 12));
        _in.Section = "value-label names";
        var labelNames = ReadNames(k, 33);
        _in.Section = "variable labels";
        _in.Skip(81L * k);
        _in.Section = "expansion fields";
        while (true)
        {
            byte type = _in.U8();
            uint length = _in.U32();
            if (type == 0 && length == 0) break;
            _in.Skip(length);
        }
        DefineVariables(types, names, labelNames);
        ReadData();
        _in.Section = "value labels";
        while (!_in.AtEnd)
        {
            int length = _in.I32();
            string name = _in.FixedString(33, _encoding);
            _in.Skip(3);
            if (length < 0) throw _in.Error($"value label set '{name}' has a negative length");
            AddLabelSet(name, length);
        }
    }

    private void ReadTagged()
    {
        _in.Expect("<header><release>");
        var digits = _in.Read(3);
        _release = digits[0] == '1' && digits[1] == '1' && digits[2] is >= (byte)'7' and <= (byte)'9' ? 100 + 10 + (digits[2] - '0') : 0;
        if (_release == 0)
        {
            throw _in.Error($"release '{Encoding.ASCII.GetString(digits)}' is not supported: formats 110–115 and 117–119 are read");
        }
        _in.Expect("</release><byteorder>");
        var order = Encoding.ASCII.GetString(_in.Read(3));
        if (order is not ("MSF" or "LSF")) throw _in.Error($"byte order '{order}' is neither MSF nor LSF");
        _in.BigEndian = order == "MSF";
        _encoding = _release >= 118 ? Encoding.UTF8 : Encoding.Latin1;
        int nameWidth = _release >= 118 ? 129 : 33;
        _in.Expect("</byteorder><K>");
        long k = _release >= 119 ? _in.U32() : _in.U16();
        if (k > 1_000_000) throw _in.Error($"the header says the file holds {k} variables, more than any Stata version allows");
        _in.Expect("</K><N>");
        _rows = CheckRows(_release >= 118 ? _in.U64() : _in.U32());
        _in.Expect("</N><label>");
        _in.Skip(_release >= 118 ? _in.U16() : _in.U8());
        _in.Expect("</label><timestamp>");
        _in.Skip(_in.U8());
        _in.Expect("</timestamp></header>");

        _in.Section = "map";
        _in.Expect("<map>");
        _in.Skip(14 * 8);
        _in.Expect("</map>");
        _in.Section = "variable types";
        _in.Expect("<variable_types>");
        var types = new int[k];
        for (int j = 0; j < k; j++) types[j] = _in.U16();
        _in.Expect("</variable_types>");
        _in.Section = "variable names";
        _in.Expect("<varnames>");
        var names = ReadNames((int)k, nameWidth);
        _in.Expect("</varnames>");
        _in.Section = "sort list";
        _in.Expect("<sortlist>");
        _in.Skip((k + 1) * (_release >= 119 ? 4 : 2));
        _in.Expect("</sortlist>");
        _in.Section = "display formats";
        _in.Expect("<formats>");
        _in.Skip(k * (_release >= 118 ? 57 : 49));
        _in.Expect("</formats>");
        _in.Section = "value-label names";
        _in.Expect("<value_label_names>");
        var labelNames = ReadNames((int)k, nameWidth);
        _in.Expect("</value_label_names>");
        _in.Section = "variable labels";
        _in.Expect("<variable_labels>");
        _in.Skip(k * (_release >= 118 ? 321 : 81));
        _in.Expect("</variable_labels>");
        _in.Section = "characteristics";
        _in.Expect("<characteristics>");
        while (_in.TryExpect("<ch>"))
        {
            _in.Skip(_in.U32());
            _in.Expect("</ch>");
        }
        _in.Expect("</characteristics>");
        DefineVariables(types, names, labelNames);
        _in.Expect("<data>");
        ReadData();
        _in.Expect("</data>");
        _in.Section = "long strings (strL)";
        _in.Expect("<strls>");
        while (_in.TryExpect("GSO")) ReadLongString();
        _in.Expect("</strls>");
        _in.Section = "value labels";
        _in.Expect("<value_labels>");
        while (_in.TryExpect("<lbl>"))
        {
            uint length = _in.U32();
            string name = _in.FixedString(nameWidth, _encoding);
            _in.Skip(3);
            AddLabelSet(name, length);
            _in.Expect("</lbl>");
        }
        _in.Expect("</value_labels>");
        _in.Section = "end of the file";
        _in.Expect("</stata_dta>");
    }

    private string[] ReadNames(int count, int width)
    {
        var names = new string[count];
        for (int j = 0; j < count; j++) names[j] = _in.FixedString(width, _encoding);
        return names;
    }

    private int CheckRows(ulong rows)
    {
        if (rows > int.MaxValue) throw _in.Error($"the file holds {rows} observations, more than a frame holds ({int.MaxValue})");
        return (int)rows;
    }

    private void DefineVariables(int[] types, string[] names, string[] labelNames)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _variables = new Variable[types.Length];
        for (int j = 0; j < types.Length; j++)
        {
            var type = DtaType.FromCode(types[j], _release)
                ?? throw _in.Error($"variable {j + 1} ('{names[j]}') has type code {types[j]}, which format {_release} does not define");
            if (names[j].Length == 0 || !seen.Add(names[j]))
            {
                throw _in.Error($"variable {j + 1} has {(names[j].Length == 0 ? "no name" : $"the name '{names[j]}' of an earlier one")}");
            }
            _variables[j] = new Variable(names[j], type, labelNames[j]);
        }
    }

    private void ReadData()
    {
        _in.Section = "data";
        long recordLength = _variables.Sum(v => (long)v.Type.Width);
        if (_in.Remaining is long remaining && recordLength * _rows > remaining)
        {
            throw _in.Error($"the header announces {_rows} observations of {recordLength} bytes ({recordLength * _rows} bytes) " +
                            $"but only {remaining} bytes are left: the file is truncated");
        }
        if (recordLength > int.MaxValue) throw _in.Error($"an observation of {recordLength} bytes is too long");
        _dataStart = _in.Position;
        _recordLength = recordLength;
        if (_scan is not null)
        {
            _scan.Start(_variables);
            for (int row = 0; row < _rows; row++) _scan.Observe(this, _in.Read((int)recordLength));
            return;
        }
        foreach (var v in _variables) v.Allocate(_rows);
        var offsets = new int[_variables.Length];
        for (int j = 1; j < offsets.Length; j++) offsets[j] = offsets[j - 1] + _variables[j - 1].Type.Width;
        bool big = _in.BigEndian, extended = ExtendedMissing;
        for (int row = 0; row < _rows; row++)
        {
            var record = _in.Read((int)recordLength);
            for (int j = 0; j < _variables.Length; j++)
            {
                var v = _variables[j];
                var field = record.Slice(offsets[j], v.Type.Width);
                switch (v.Type.Storage)
                {
                    case DtaStorage.Str:
                        string text = DtaInput.Text(field, _encoding);
                        v.Texts![row] = text.Length == 0 ? null : text;
                        break;
                    case DtaStorage.StrL:
                        v.LongStrings![row] = LongStringKey(field);
                        break;
                    default:
                        v.Numbers![row] = v.Type.Number(field, big, extended);
                        break;
                }
            }
        }
    }

    /// <summary>The (variable, observation) pair a strL field points to: 4 + 4 bytes in format 117, 2 + 6 bytes in
    /// 118 and 3 + 5 bytes in 119, as one integer in the file's byte order.</summary>
    private (ulong V, ulong O) LongStringKey(ReadOnlySpan<byte> field) => LongStringKey(field, _release, _in.BigEndian);

    /// <summary>The (variable, observation) pair of a strL field in a file of the given format and byte order.</summary>
    internal static (ulong V, ulong O) LongStringKey(ReadOnlySpan<byte> field, int release, bool big)
    {
        int _release = release;
        if (_release == 117)
        {
            uint v = big ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field);
            uint o = big ? BinaryPrimitives.ReadUInt32BigEndian(field[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(field[4..]);
            return (v, o);
        }
        int vBits = _release == 118 ? 16 : 24;
        ulong x = big ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field);
        return big
            ? (x >> (64 - vBits), x & ((1UL << (64 - vBits)) - 1))
            : (x & ((1UL << vBits) - 1), x >> vBits);
    }

    private void ReadLongString()
    {
        ulong v = _in.U32();
        ulong o = _release == 117 ? _in.U32() : _in.U64();
        byte kind = _in.U8();
        uint length = _in.U32();
        if (length > int.MaxValue) throw _in.Error($"a long string of {length} bytes is too long");
        var bytes = _in.Read((int)length);
        if (kind == 130 && bytes.Length > 0 && bytes[^1] == 0) bytes = bytes[..^1];
        _strls[(v, o)] = _encoding.GetString(bytes);
    }

    private void AddLabelSet(string name, long length)
    {
        if (length > int.MaxValue) throw _in.Error($"value label set '{name}' is too long");
        var labels = DtaValueLabels.Parse(name, _in.Read((int)length), _in, _encoding);
        _labelSets[name] = labels;
    }

    private Frame Build()
    {
        var columns = new List<Column>(_variables.Length);
        foreach (var v in _variables)
        {
            columns.Add(v.Type.Storage switch
            {
                DtaStorage.Str => TextColumn(v.Name, v.Texts!),
                DtaStorage.StrL => TextColumn(v.Name, ResolveLongStrings(v)),
                _ => v.LabelSet.Length > 0 && _labelSets.TryGetValue(v.LabelSet, out var labels)
                    ? LabelledColumn(v.Name, v.Numbers!, labels)
                    : new NumericColumn(v.Name, v.Numbers!),
            });
        }
        return new Frame(columns);
    }

    private string?[] ResolveLongStrings(Variable v)
    {
        var texts = new string?[_rows];
        for (int row = 0; row < texts.Length; row++)
        {
            var key = v.LongStrings![row];
            if (key == (0, 0)) continue;
            if (!_strls.TryGetValue(key, out var text))
            {
                throw new DataFormatException(
                    $"observation {row + 1} points to long string ({key.V}, {key.O}), which the file does not hold: it is damaged",
                    _in.Source, row + 1, v.Name);
            }
            texts[row] = text.Length == 0 ? null : text;
        }
        return texts;
    }

    private static CategoricalColumn TextColumn(string name, string?[] texts)
    {
        var levels = TextLevels(texts.Where(t => t is not null)!);
        var code = new Dictionary<string, int>(levels.Count, StringComparer.Ordinal);
        for (int i = 0; i < levels.Count; i++) code[levels[i]] = i;
        return new CategoricalColumn(name, [.. texts.Select(t => t is null ? -1 : code[t])], levels);
    }

    /// <summary>A labelled numeric variable as a categorical column: levels are the labelled codes and the codes
    /// present in the data, in numeric order, each shown by its label (or its number when it has none).</summary>
    private CategoricalColumn LabelledColumn(string name, double[] values, DtaValueLabels labels)
    {
        var (levels, codeOf) = LabelledLevels(values, labels);
        return new CategoricalColumn(name, [.. values.Select(x => double.IsNaN(x) ? -1 : codeOf[x])], levels);
    }

    /// <summary>The levels of a text variable: its distinct non-missing texts in <see cref="LevelOrder"/>.</summary>
    internal static IReadOnlyList<string> TextLevels(IEnumerable<string> texts) => LevelOrder.Sort(texts);

    /// <summary>The levels of a labelled numeric variable given the values present, and the level of each value.</summary>
    private (List<string> Levels, Dictionary<double, int> CodeOf) LabelledLevels(IEnumerable<double> values, DtaValueLabels labels)
    {
        var labelOf = new Dictionary<double, string>();
        foreach (var (code, label) in labels.Entries)
        {
            if (!DtaType.IsMissingLabelCode(code, ExtendedMissing)) labelOf.TryAdd(code, label);
        }
        var keys = new SortedSet<double>(labelOf.Keys);
        foreach (double x in values)
        {
            if (!double.IsNaN(x)) keys.Add(x);
        }
        var levels = new List<string>();
        var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var codeOf = new Dictionary<double, int>();
        foreach (double key in keys)
        {
            string text = labelOf.TryGetValue(key, out var label) ? label : NumberFormat.R(key);
            if (!levelIndex.TryGetValue(text, out int index))
            {
                index = levels.Count;
                levels.Add(text);
                levelIndex[text] = index;
            }
            codeOf[key] = index;
        }
        return (levels, codeOf);
    }

    /// <summary>What a scan found: where the records are and every variable's levels.</summary>
    private DtaLayout Layout()
    {
        var scan = _scan!;
        var variables = new DtaLayoutVariable[_variables.Length];
        for (int j = 0; j < variables.Length; j++)
        {
            var v = _variables[j];
            switch (v.Type.Storage)
            {
                case DtaStorage.Str:
                    variables[j] = DtaLayoutVariable.Text(v.Name, v.Type, TextLevels(scan.Texts[j]!));
                    break;
                case DtaStorage.StrL:
                    {
                        var texts = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var key in scan.LongStrings[j]!)
                        {
                            if (!_strls.TryGetValue(key, out var text))
                            {
                                throw new DataFormatException(
                                    $"an observation points to long string ({key.V}, {key.O}), which the file does not hold: it is damaged", _in.Source, null, v.Name);
                            }
                            if (text.Length > 0) texts.Add(text);
                        }
                        variables[j] = DtaLayoutVariable.Text(v.Name, v.Type, TextLevels(texts));
                        break;
                    }
                default:
                    if (v.LabelSet.Length > 0 && _labelSets.TryGetValue(v.LabelSet, out var labels))
                    {
                        var (levels, codeOf) = LabelledLevels(scan.Numbers[j]!, labels);
                        variables[j] = DtaLayoutVariable.Labelled(v.Name, v.Type, levels, codeOf);
                    }
                    else
                    {
                        variables[j] = DtaLayoutVariable.Numeric(v.Name, v.Type, scan.Numbers[j]);
                    }
                    break;
            }
        }
        return new DtaLayout(_in.Source, variables, _dataStart, _recordLength, _rows, _in.BigEndian, ExtendedMissing, _release, _encoding,
            new Dictionary<(ulong, ulong), string>(_strls));
    }

    /// <summary>Collects, record by record, what the levels of each variable are made of.</summary>
    private sealed class DtaScan(IReadOnlySet<string> numbersOf)
    {
        private int[] _offsets = [];
        private Variable[] _variables = [];

        public HashSet<string>?[] Texts { get; private set; } = [];

        public HashSet<(ulong V, ulong O)>?[] LongStrings { get; private set; } = [];

        public HashSet<double>?[] Numbers { get; private set; } = [];

        public void Start(Variable[] variables)
        {
            _variables = variables;
            _offsets = new int[variables.Length];
            for (int j = 1; j < variables.Length; j++) _offsets[j] = _offsets[j - 1] + variables[j - 1].Type.Width;
            Texts = new HashSet<string>?[variables.Length];
            LongStrings = new HashSet<(ulong, ulong)>?[variables.Length];
            Numbers = new HashSet<double>?[variables.Length];
            for (int j = 0; j < variables.Length; j++)
            {
                var v = variables[j];
                switch (v.Type.Storage)
                {
                    case DtaStorage.Str: Texts[j] = new HashSet<string>(StringComparer.Ordinal); break;
                    case DtaStorage.StrL: LongStrings[j] = []; break;
                    default:
                        if (v.LabelSet.Length > 0 || numbersOf.Contains(v.Name)) Numbers[j] = [];
                        break;
                }
            }
        }

        public void Observe(DtaReader reader, ReadOnlySpan<byte> record)
        {
            for (int j = 0; j < _variables.Length; j++)
            {
                var v = _variables[j];
                var field = record.Slice(_offsets[j], v.Type.Width);
                switch (v.Type.Storage)
                {
                    case DtaStorage.Str:
                        {
                            string text = DtaInput.Text(field, reader._encoding);
                            if (text.Length > 0) Texts[j]!.Add(text);
                            break;
                        }
                    case DtaStorage.StrL:
                        {
                            var key = reader.LongStringKey(field);
                            if (key != (0, 0)) LongStrings[j]!.Add(key);
                            break;
                        }
                    default:
                        if (Numbers[j] is { } set)
                        {
                            double x = v.Type.Number(field, reader._in.BigEndian, reader.ExtendedMissing);
                            if (!double.IsNaN(x)) set.Add(x == 0 ? 0.0 : x);
                        }
                        break;
                }
            }
        }
    }

    /// <summary>A variable and its values as read.</summary>
    private sealed class Variable(string name, DtaType type, string labelSet)
    {
        public string Name { get; } = name;
        public DtaType Type { get; } = type;
        public string LabelSet { get; } = labelSet;
        public double[]? Numbers { get; private set; }
        public string?[]? Texts { get; private set; }
        public (ulong V, ulong O)[]? LongStrings { get; private set; }

        /// <summary>Makes room for the values (once the file is known to hold them).</summary>
        public void Allocate(int rows)
        {
            if (Type.IsNumeric) Numbers = new double[rows];
            else if (Type.Storage == DtaStorage.Str) Texts = new string?[rows];
            else LongStrings = new (ulong, ulong)[rows];
        }
    }
}
