using System.Buffers.Binary;
using System.Text;

namespace Multilevel.Tests.Data;

/// <summary>
/// Writes small .dta files for tests, from Stata's description of the formats (the binary layout of 110 and 114, the
/// tagged layout of 117–119) in either byte order, so that the reader can be tested on what the fixtures lack:
/// big-endian files, every storage type, every missing-value code. Numeric values are written as given (raw codes:
/// a test writes 101 into a byte variable to mean '.', from format 113 on).
/// </summary>
internal sealed class DtaWriter(int release, bool bigEndian)
{
    public enum Storage { Byte, Int, Long, Float, Double, Str, StrL }

    /// <summary>A variable: its values are doubles (numeric types) or strings (null = "").</summary>
    public sealed record Variable(string Name, Storage Type, object?[] Values, int Width = 0, string LabelSet = "");

    private readonly List<byte> _out = [];

    public Dictionary<string, (int Code, string Label)[]> LabelSets { get; } = [];

    public byte[] Write(IReadOnlyList<Variable> variables)
    {
        _out.Clear();
        int rows = variables.Count == 0 ? 0 : variables[0].Values.Length;
        if (release >= 117) WriteTagged(variables, rows);
        else WriteBinary(variables, rows);
        return [.. _out];
    }

    private Encoding Encoding => release >= 118 ? Encoding.UTF8 : Encoding.Latin1;

    private void WriteBinary(IReadOnlyList<Variable> variables, int rows)
    {
        Bytes([(byte)release, (byte)(bigEndian ? 1 : 2), 1, 0]);
        U16(variables.Count);
        U32((uint)rows);
        Fixed("test data", 81);
        Fixed("01 Jan 2024 00:00", 18);
        foreach (var v in variables) Bytes([(byte)BinaryCode(v)]);
        foreach (var v in variables) Fixed(v.Name, 33);
        Zeros(2 * (variables.Count + 1));
        foreach (var v in variables) Fixed("%9.0g", release >= 114 ? 49 : 12);
        foreach (var v in variables) Fixed(v.LabelSet, 33);
        foreach (var v in variables) Fixed("", 81);
        Zeros(5);
        WriteData(variables, rows);
        foreach (var (name, entries) in LabelSets)
        {
            var table = LabelTable(entries);
            U32((uint)table.Length);
            Fixed(name, 33);
            Zeros(3);
            Bytes(table);
        }
    }

    private void WriteTagged(IReadOnlyList<Variable> variables, int rows)
    {
        int nameWidth = release >= 118 ? 129 : 33;
        Tag($"<stata_dta><header><release>{release}</release><byteorder>{(bigEndian ? "MSF" : "LSF")}</byteorder><K>");
        if (release >= 119) U32((uint)variables.Count);
        else U16(variables.Count);
        Tag("</K><N>");
        if (release >= 118) U64((ulong)rows);
        else U32((uint)rows);
        Tag("</N><label>");
        var label = Encoding.GetBytes("test data");
        if (release >= 118) U16(label.Length);
        else Bytes([(byte)label.Length]);
        Bytes(label);
        Tag("</label><timestamp>");
        Bytes([17]);
        Bytes(Encoding.ASCII.GetBytes("01 Jan 2024 00:00"));
        Tag("</timestamp></header><map>");
        Zeros(14 * 8);
        Tag("</map><variable_types>");
        foreach (var v in variables) U16(TaggedCode(v));
        Tag("</variable_types><varnames>");
        foreach (var v in variables) Fixed(v.Name, nameWidth);
        Tag("</varnames><sortlist>");
        Zeros((variables.Count + 1) * (release >= 119 ? 4 : 2));
        Tag("</sortlist><formats>");
        foreach (var v in variables) Fixed("%9.0g", release >= 118 ? 57 : 49);
        Tag("</formats><value_label_names>");
        foreach (var v in variables) Fixed(v.LabelSet, nameWidth);
        Tag("</value_label_names><variable_labels>");
        foreach (var v in variables) Fixed("", release >= 118 ? 321 : 81);
        Tag("</variable_labels><characteristics><ch>");
        U32(4);
        Bytes([1, 2, 3, 4]);
        Tag("</ch></characteristics><data>");
        WriteData(variables, rows);
        Tag("</data><strls>");
        for (int j = 0; j < variables.Count; j++)
        {
            if (variables[j].Type != Storage.StrL) continue;
            for (int row = 0; row < rows; row++)
            {
                if (variables[j].Values[row] is not string { Length: > 0 } text) continue;
                Tag("GSO");
                U32((uint)(j + 1));
                if (release >= 118) U64((ulong)(row + 1));
                else U32((uint)(row + 1));
                var bytes = Encoding.GetBytes(text);
                Bytes([130]);
                U32((uint)bytes.Length + 1);
                Bytes(bytes);
                Bytes([0]);
            }
        }
        Tag("</strls><value_labels>");
        foreach (var (name, entries) in LabelSets)
        {
            var table = LabelTable(entries);
            Tag("<lbl>");
            U32((uint)table.Length);
            Fixed(name, nameWidth);
            Zeros(3);
            Bytes(table);
            Tag("</lbl>");
        }
        Tag("</value_labels></stata_dta>");
    }

    private void WriteData(IReadOnlyList<Variable> variables, int rows)
    {
        for (int row = 0; row < rows; row++)
        {
            for (int j = 0; j < variables.Count; j++)
            {
                var v = variables[j];
                object? x = v.Values[row];
                switch (v.Type)
                {
                    case Storage.Byte: Bytes([unchecked((byte)(sbyte)Convert.ToInt64(x))]); break;
                    case Storage.Int: U16(unchecked((ushort)(short)Convert.ToInt64(x))); break;
                    case Storage.Long: U32(unchecked((uint)(int)Convert.ToInt64(x))); break;
                    case Storage.Float: U32(BitConverter.SingleToUInt32Bits((float)Convert.ToDouble(x))); break;
                    case Storage.Double: U64(BitConverter.DoubleToUInt64Bits(Convert.ToDouble(x))); break;
                    case Storage.Str: Fixed((string?)x ?? "", v.Width); break;
                    default: StrLReference(x is string { Length: > 0 } ? (ulong)(j + 1) : 0, x is string { Length: > 0 } ? (ulong)(row + 1) : 0); break;
                }
            }
        }
    }

    private void StrLReference(ulong v, ulong o)
    {
        if (release == 117)
        {
            U32((uint)v);
            U32((uint)o);
            return;
        }
        int vBits = release == 118 ? 16 : 24;
        U64(bigEndian ? (v << (64 - vBits)) | o : v | (o << vBits));
    }

    private byte[] LabelTable((int Code, string Label)[] entries)
    {
        var text = new List<byte>();
        var offsets = new List<int>();
        foreach (var (_, label) in entries)
        {
            offsets.Add(text.Count);
            text.AddRange(Encoding.GetBytes(label));
            text.Add(0);
        }
        var table = new List<byte>();
        void Int(int x)
        {
            var b = new byte[4];
            if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(b, x);
            else BinaryPrimitives.WriteInt32LittleEndian(b, x);
            table.AddRange(b);
        }
        Int(entries.Length);
        Int(text.Count);
        foreach (int o in offsets) Int(o);
        foreach (var (code, _) in entries) Int(code);
        table.AddRange(text);
        return [.. table];
    }

    private int BinaryCode(Variable v) => release >= 111
        ? v.Type switch
        {
            Storage.Byte => 251, Storage.Int => 252, Storage.Long => 253, Storage.Float => 254, Storage.Double => 255,
            Storage.Str => v.Width,
            _ => throw new ArgumentException("strL needs format 117 or later"),
        }
        : v.Type switch
        {
            Storage.Byte => 'b', Storage.Int => 'i', Storage.Long => 'l', Storage.Float => 'f', Storage.Double => 'd',
            Storage.Str => 127 + v.Width,
            _ => throw new ArgumentException("strL needs format 117 or later"),
        };

    private static int TaggedCode(Variable v) => v.Type switch
    {
        Storage.Byte => 65530, Storage.Int => 65529, Storage.Long => 65528, Storage.Float => 65527, Storage.Double => 65526,
        Storage.Str => v.Width, _ => 32768,
    };

    private void Tag(string text) => Bytes(Encoding.ASCII.GetBytes(text));

    private void Fixed(string text, int width)
    {
        var bytes = Encoding.GetBytes(text);
        if (bytes.Length > width) throw new ArgumentException($"'{text}' does not fit {width} bytes");
        Bytes(bytes);
        Zeros(width - bytes.Length);
    }

    private void Zeros(int count) => _out.AddRange(new byte[count]);

    private void Bytes(byte[] bytes) => _out.AddRange(bytes);

    private void U16(int x)
    {
        var b = new byte[2];
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)x);
        else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)x);
        Bytes(b);
    }

    private void U32(uint x)
    {
        var b = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, x);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, x);
        Bytes(b);
    }

    private void U64(ulong x)
    {
        var b = new byte[8];
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, x);
        else BinaryPrimitives.WriteUInt64LittleEndian(b, x);
        Bytes(b);
    }
}
