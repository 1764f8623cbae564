using System.Diagnostics;
using System.Globalization;
using Multilevel.Models;

namespace Multilevel.Cli.Infrastructure;

/// <summary>
/// The progress line of a fit on stderr: nothing for fits that finish within a second; after that one line, redrawn at
/// most ten times a second, with the stage, the number of objective evaluations, the best objective so far and how to
/// cancel. The line is erased when the fit ends. Shown only when stderr is a terminal (and not with <c>--quiet</c>), so
/// logs and pipes never see it; <c>MLM_PROGRESS=1</c> forces it, <c>MLM_PROGRESS=0</c> turns it off.
/// </summary>
internal sealed class ProgressDisplay : IProgress<FitProgress>, IDisposable
{
    private readonly TextWriter _writer;
    private readonly string _what;
    private readonly TimeSpan _delay;
    private readonly Func<TimeSpan> _clock;
    private readonly Lock _lock = new();
    private TimeSpan? _lastDraw;
    private int _width;
    private bool _disposed;

    /// <summary>Whether fits started from now on show progress (set by <see cref="CliApp"/> from the terminal and --quiet).</summary>
    public static bool Enabled { get; set; }

    internal ProgressDisplay(TextWriter writer, string what, TimeSpan delay, Func<TimeSpan> clock)
    {
        _writer = writer;
        _what = what;
        _delay = delay;
        _clock = clock;
    }

    /// <summary>A display for a fit of <paramref name="what"/> on stderr, or null when progress is not shown.</summary>
    public static ProgressDisplay? Start(string what)
    {
        if (!Enabled) return null;
        var watch = Stopwatch.StartNew();
        return new ProgressDisplay(Console.Error, what, TimeSpan.FromSeconds(1), () => watch.Elapsed);
    }

    /// <summary>True once the line has been drawn.</summary>
    public bool Shown => _width > 0;

    /// <summary>Redraws the line (after the first second, at most every 100 ms).</summary>
    public void Report(FitProgress value)
    {
        lock (_lock)
        {
            if (_disposed) return;
            var now = _clock();
            if (now < _delay || (_lastDraw is { } last && now - last < TimeSpan.FromMilliseconds(100))) return;
            _lastDraw = now;
            string objective = double.IsFinite(value.BestObjective) ? value.BestObjective.ToString("0.0000", CultureInfo.InvariantCulture) : "—";
            string stage = string.IsNullOrEmpty(value.Stage) ? "" : $" {value.Stage}:";
            string line = $"mlm: fitting {_what} —{stage} {value.Evaluations} evaluations, objective {objective} ({now.TotalSeconds:0} s; Ctrl+C cancels)";
            int pad = Math.Max(0, _width - line.Length);
            _writer.Write("\r" + line + new string(' ', pad));
            _writer.Flush();
            _width = Math.Max(_width, line.Length);
        }
    }

    /// <summary>Erases the line.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            if (_width > 0)
            {
                _writer.Write("\r" + new string(' ', _width) + "\r");
                _writer.Flush();
            }
        }
    }
}
