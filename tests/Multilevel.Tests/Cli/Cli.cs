using System.Text.Json;
using Multilevel.Cli;

namespace Multilevel.Tests.Cli;

/// <summary>Runs <c>mlm</c> in-process with stdout and stderr captured (tests using it belong to the serial collection).</summary>
internal static class Cli
{
    public sealed record Result(int Exit, string Out, string Err)
    {
        /// <summary>stdout parsed as exactly one JSON object (the contract of --json).</summary>
        public JsonElement Json()
        {
            using var doc = JsonDocument.Parse(Out);
            Xunit.Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            return doc.RootElement.Clone();
        }
    }

    public static async Task<Result> Run(params string[] args) => await Run(CancellationToken.None, args);

    public static async Task<Result> Run(CancellationToken ct, params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var outWriter = new StringWriter();
        using var errWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try
        {
            int exit = await CliApp.RunAsync(args, ct);
            return new Result(exit, outWriter.ToString(), errWriter.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>A fresh temporary directory, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlm-test-" + Guid.NewGuid().ToString("N"));

        public TempDir() => Directory.CreateDirectory(Path);

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
