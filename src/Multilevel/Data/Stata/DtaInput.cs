using System.Buffers.Binary;
using System.Text;

namespace Multilevel.Data.Stata;

/// <summary>
/// Sequential, buffered reading of a .dta file in the file's byte order, with the position and the section being
/// read kept for error messages. Reading past the end is an error that says the file is truncated.
/// </summary>
internal sealed class DtaInput
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private long _discarded;

    public DtaInput(Stream stream, string source)
    {
        _stream = stream;
        Source = source;
    }

    /// <summary>The file or data set, for messages.</summary>
    public string Source { get; }

    /// <summary>What is being read, for messages ("header", "data" …).</summary>
    public string Section { get; set; } = "header";

    /// <summary>True when numbers are stored most significant byte first.</summary>
    public bool BigEndian { get; set; }

    /// <summary>Bytes read so far.</summary>
    public long Position => _discarded + _start;

    /// <summary>Bytes left in the file, when the stream knows its length.</summary>
    public long? Remaining => _stream.CanSeek ? _stream.Length - _stream.Position + (_end - _start) : null;

    /// <summary>True at the end of the file.</summary>
    public bool AtEnd => !Fill(1);

    /// <summary>The next <paramref name="count"/> bytes, valid until the next read.</summary>
    public ReadOnlySpan<byte> Read(int count)
    {
        if (!Fill(count)) throw Truncated(count);
        var span = _buffer.AsSpan(_start, count);
        _start += count;
        return span;
    }

    /// <summary>Skips bytes.</summary>
    public void Skip(long count)
    {
        while (count > 0)
        {
            int step = (int)Math.Min(count, _buffer.Length);
            Read(step);
            count -= step;
        }
    }

    public byte U8() => Read(1)[0];

    public ushort U16() => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Read(2)) : BinaryPrimitives.ReadUInt16LittleEndian(Read(2));

    public uint U32() => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Read(4)) : BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    public ulong U64() => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(Read(8)) : BinaryPrimitives.ReadUInt64LittleEndian(Read(8));

    public int I32() => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(Read(4)) : BinaryPrimitives.ReadInt32LittleEndian(Read(4));

    /// <summary>A text field of fixed width, ending at its first NUL.</summary>
    public string FixedString(int width, Encoding encoding) => Text(Read(width), encoding);

    /// <summary>True (and consumed) when the next bytes are <paramref name="tag"/>; nothing is consumed otherwise.</summary>
    public bool TryExpect(string tag)
    {
        if (!Fill(tag.Length)) return false;
        var next = _buffer.AsSpan(_start, tag.Length);
        for (int i = 0; i < tag.Length; i++)
        {
            if (next[i] != tag[i]) return false;
        }
        _start += tag.Length;
        return true;
    }

    /// <summary>Consumes <paramref name="tag"/>, or fails saying what is there instead.</summary>
    public void Expect(string tag)
    {
        if (TryExpect(tag)) return;
        if (!Fill(tag.Length)) throw Truncated(tag.Length);
        string found = Encoding.Latin1.GetString(_buffer, _start, tag.Length);
        throw Error($"expected '{tag}' but found '{Printable(found)}': the file is not a valid .dta file, or is damaged");
    }

    /// <summary>An error at the current position.</summary>
    public DataFormatException Error(string message, string? column = null) =>
        new($"{message} (byte {Position}, reading the {Section})", Source, null, column);

    /// <summary>Text of a field up to its first NUL.</summary>
    public static string Text(ReadOnlySpan<byte> field, Encoding encoding)
    {
        int end = field.IndexOf((byte)0);
        return encoding.GetString(end < 0 ? field : field[..end]);
    }

    private DataFormatException Truncated(int wanted) =>
        Error($"the file ends {Math.Max(0, _end - _start)} bytes into a field of {wanted}: it is truncated or damaged");

    private bool Fill(int count)
    {
        if (_end - _start >= count) return true;
        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, 2 * _buffer.Length)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            _discarded += _start;
            _end -= _start;
            _start = 0;
            _buffer = bigger;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _discarded += _start;
            _end -= _start;
            _start = 0;
        }
        while (_end < count)
        {
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) return false;
            _end += n;
        }
        return true;
    }

    private static string Printable(string text) =>
        new([.. text.Select(c => c is >= ' ' and < (char)127 ? c : '.')]);
}
