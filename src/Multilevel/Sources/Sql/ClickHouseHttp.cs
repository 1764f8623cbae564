using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Multilevel.Sources.Sql;

/// <summary>
/// A small client of ClickHouse's HTTP interface (no client library): a query is the body of a POST; the answer comes
/// in the <c>RowBinary</c> format (little-endian doubles and counts, length-prefixed strings), decoded as it arrives.
/// Queries are sent with <c>wait_end_of_query=1</c>, so that an error late in a query is an HTTP error and not a
/// result cut short. Counts the bytes sent and received.
/// </summary>
internal sealed class ClickHouseHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _query;

    /// <summary>Creates a client of the server at <paramref name="baseUri"/> (<c>http://host:8123/</c>).</summary>
    public ClickHouseHttp(Uri baseUri, string database, string? user, string? password)
    {
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = baseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var parameters = new List<string> { "wait_end_of_query=1", "database=" + Uri.EscapeDataString(database) };
        if (user is not null) parameters.Add("user=" + Uri.EscapeDataString(user));
        if (password is not null) parameters.Add("password=" + Uri.EscapeDataString(password));
        _query = "?" + string.Join("&", parameters);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Runs <paramref name="sql"/> (without a FORMAT clause) and calls <paramref name="onRow"/> for every row of
    /// the RowBinary answer. Returns (bytes sent, bytes received, rows).</summary>
    public (long Sent, long Received, long Rows) Query(string sql, IReadOnlyList<SqlValueType> types, Action<ISqlRow> onRow, string where, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(sql + "\nFORMAT RowBinary");
        using var stream = Send(body, where, sql, ct, out long headerBytes);
        var reader = new RowBinaryReader(stream, types);
        long rows = 0;
        while (reader.Next())
        {
            onRow(reader);
            rows++;
        }
        return (body.Length + headerBytes, reader.BytesRead, rows);
    }

    /// <summary>Runs <paramref name="sql"/> and returns the answer as text (for small answers: TSV with names and types).</summary>
    public (string Text, long Sent, long Received) QueryText(string sql, string where, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(sql);
        using var stream = Send(body, where, sql, ct, out long headerBytes);
        using var text = new StreamReader(stream, Encoding.UTF8);
        string result = text.ReadToEnd();
        return (result, body.Length + headerBytes, Encoding.UTF8.GetByteCount(result));
    }

    private OwnedStream Send(byte[] body, string where, string sql, CancellationToken ct, out long headerBytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _query) { Content = new ByteArrayContent(body) };
        headerBytes = _query.Length + 64;
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SqlSourceException($"cannot reach ClickHouse at {where}: {e.Message}", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            string message;
            using (response)
            {
                using var s = response.Content.ReadAsStream(ct);
                using var r = new StreamReader(s, Encoding.UTF8);
                message = r.ReadToEnd().Trim();
            }
            string shown = sql.Length > 400 ? sql[..400] + " …" : sql;
            throw new SqlSourceException($"ClickHouse at {where} answered {(int)response.StatusCode}: {message}\nquery: {shown}");
        }
        return new OwnedStream(response.Content.ReadAsStream(ct), response);
    }

    /// <summary>A response stream that disposes its response.</summary>
    private sealed class OwnedStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>Decodes RowBinary rows of known column types from a stream, buffering as it goes.</summary>
    private sealed class RowBinaryReader(Stream stream, IReadOnlyList<SqlValueType> types) : ISqlRow
    {
        private readonly object[] _values = new object[types.Count];
        private readonly double[] _numbers = new double[types.Count];
        private readonly long[] _counts = new long[types.Count];
        private byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;

        public long BytesRead { get; private set; }

        public bool Next()
        {
            if (!Fill(1)) return false;
            for (int c = 0; c < types.Count; c++)
            {
                switch (types[c])
                {
                    case SqlValueType.Count:
                        _counts[c] = (long)BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                        break;
                    case SqlValueType.Float64:
                        _numbers[c] = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
                        break;
                    case SqlValueType.Text:
                        _values[c] = ReadString();
                        break;
                    case SqlValueType.Float64Array:
                        {
                            int n = checked((int)ReadVarint());
                            var a = new double[n];
                            for (int i = 0; i < n; i++) a[i] = BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
                            _values[c] = a;
                            break;
                        }
                    case SqlValueType.TextArray:
                        {
                            int n = checked((int)ReadVarint());
                            var a = new string[n];
                            for (int i = 0; i < n; i++) a[i] = ReadString();
                            _values[c] = a;
                            break;
                        }
                }
            }
            return true;
        }

        public long GetCount(int column) => _counts[column];

        public double GetDouble(int column) => _numbers[column];

        public string GetText(int column) => (string)_values[column];

        public double[] GetDoubles(int column) => (double[])_values[column];

        public string[] GetTexts(int column) => (string[])_values[column];

        private string ReadString()
        {
            int n = checked((int)ReadVarint());
            return Encoding.UTF8.GetString(Take(n));
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = Take(1)[0];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new SqlSourceException("ClickHouse sent a malformed length");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (!Fill(count)) throw new SqlSourceException("ClickHouse's answer ended in the middle of a row");
            var span = _buffer.AsSpan(_start, count);
            _start += count;
            return span;
        }

        private bool Fill(int count)
        {
            if (_end - _start >= count) return true;
            if (count > _buffer.Length - _start)
            {
                var bigger = count > _buffer.Length ? new byte[Math.Max(count, 2 * _buffer.Length)] : _buffer;
                Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
                _end -= _start;
                _start = 0;
                _buffer = bigger;
            }
            while (_end - _start < count)
            {
                int n = stream.Read(_buffer, _end, _buffer.Length - _end);
                if (n == 0) return false;
                _end += n;
                BytesRead += n;
            }
            return true;
        }
    }
}
