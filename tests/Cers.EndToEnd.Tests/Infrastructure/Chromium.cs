namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The browser the walkthrough runs in: Debian's own Chromium package, never a browser build that
/// Playwright downloads. Missing on a developer's machine, the browser tests are skipped; with
/// <c>CI=true</c> they are required, so a CI machine without it fails rather than passing on nothing.
/// </summary>
public static class Chromium
{
    public const string InstallCommand = "sudo apt-get install -y chromium";

    /// <summary><c>CERS_CHROMIUM</c> when set, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CERS_CHROMIUM") is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool IsRequired => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string MissingMessage =>
        $"Chromium is not installed at {ExecutablePath}: the browser tests need Debian's package ({InstallCommand}).";

    /// <summary>
    /// Chromium's sandbox cannot start for root (as in CI containers), so only there it runs without it;
    /// the pages under test are this repository's own, on loopback.
    /// </summary>
    public static bool RunningAsRoot => Environment.UserName == "root";
}

/// <summary>
/// A test that needs the browser: skipped, with how to install Chromium, when it is missing and
/// <c>CI</c> is not <c>true</c>; run (and failed by the fixture) when CI requires it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.IsRequired)
        {
            Skip = Chromium.MissingMessage + " Set CI=true to make its absence fail the run instead.";
        }
    }
}
