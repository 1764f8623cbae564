using System.Diagnostics;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>
/// Ctrl+C on a real <c>mlm</c> process: SIGINT during a fit (sent once its progress line shows the fit is running)
/// ends it with exit code 130, one clean message and no stack trace, and leaves no output file behind.
/// </summary>
public class CtrlCTests
{
    [Fact]
    public async Task SigintDuringAFitExitsWith130AndACleanMessage()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;   // SIGINT through kill(1)
        string mlm = Path.Combine(AppContext.BaseDirectory, "mlm.dll");
        string dir = Path.Combine(Path.GetTempPath(), "mlm-ctrlc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string report = Path.Combine(dir, "insteval.html");
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            // crossed random effects on 73,421 rows: a fit of several seconds that reports its progress
            foreach (var a in new[] { mlm, "report", "insteval", "y ~ service + (1 | s) + (1 | d) + (1 | dept:service)", "-o", report }) start.ArgumentList.Add(a);
            start.Environment["MLM_PROGRESS"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var err = new System.Text.StringBuilder();
            var fitting = new TaskCompletionSource();
            var stderr = Task.Run(async () =>
            {
                var buffer = new char[256];
                int n;
                while ((n = await process.StandardError.ReadAsync(buffer)) > 0)
                {
                    lock (err) err.Append(buffer, 0, n);
                    if (err.ToString().Contains("evaluations", StringComparison.Ordinal)) fitting.TrySetResult();
                }
                fitting.TrySetResult();
            });
            await fitting.Task;
            Assert.False(process.HasExited, $"the fit ended before it could be interrupted: {err}");
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync();
            await stderr;
            string message = err.ToString();
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("mlm: cancelled (Ctrl+C)", message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);   // no stack trace
            Assert.Equal("", await stdout);
            Assert.False(File.Exists(report), "a cancelled report must not be written");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
