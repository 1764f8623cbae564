using System.Text.Encodings.Web;
using System.Text.Json;

namespace Multilevel.Cli;

/// <summary>Writes the one JSON object a command prints with <c>--json</c> (CONTRACT.md: stdout carries exactly one
/// JSON object; absent quantities are omitted, so non-finite numbers are left out by <see cref="Number"/>).</summary>
public static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one object to stdout: <paramref name="body"/> writes its properties.</summary>
    public static void Write(Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        Console.Out.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        Console.Out.Write('\n');
    }

    /// <summary>Writes a number property, or nothing when the value is NaN or infinite.</summary>
    public static void Number(Utf8JsonWriter writer, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
    }

    /// <summary>Writes an array of strings.</summary>
    public static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartArray(name);
        foreach (var v in values) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}
