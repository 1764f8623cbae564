using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// Where the browser tests find Chromium and the Playwright driver, and why they skip when they cannot run.
/// <c>MLM_CHROMIUM</c> overrides the browser path; <c>MLM_REQUIRE_BROWSER=1</c> (set by ./test.sh after it made
/// sure Chromium is installed) turns a missing browser into a failure instead of a skip; <c>MLM_ARTIFACTS_DIR</c>
/// says where screenshots go (default: <c>artifacts/browser</c> beside the test assembly).
/// </summary>
internal static class BrowserEnvironment
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("MLM_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable("MLM_REQUIRE_BROWSER") == "1";

    public static string ArtifactsDirectory
    {
        get
        {
            string dir = Environment.GetEnvironmentVariable("MLM_ARTIFACTS_DIR") is { Length: > 0 } d
                ? d
                : Path.Combine(AppContext.BaseDirectory, "artifacts", "browser");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Why the browser test cannot run here, or null when it can (or must).</summary>
    public static string? SkipReason()
    {
        if (Required) return null;
        if (!OperatingSystem.IsLinux())
        {
            return "the browser test drives Debian's Chromium and runs on Linux only";
        }
        if (!File.Exists(ChromiumPath))
        {
            return $"Chromium is not installed at {ChromiumPath}: install it with 'apt-get install -y chromium' "
                 + "(./test.sh does this when it runs as root or with sudo), or point MLM_CHROMIUM at a Chromium binary";
        }
        string driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "node", "linux-x64", "node");
        if (!File.Exists(driver))
        {
            return $"the Playwright driver that Microsoft.Playwright ships was not copied to {driver} (this platform is not linux-x64?)";
        }
        return null;
    }
}

/// <summary>A fact that runs only where Chromium can run (see <see cref="BrowserEnvironment"/>), and says why it skipped.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Chromium cannot run here.</summary>
    public ChromiumFactAttribute()
    {
        if (BrowserEnvironment.SkipReason() is { } reason) Skip = reason;
    }
}
