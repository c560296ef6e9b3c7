namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Where the screenshots of each step go: <c>CERS_E2E_SCREENSHOTS</c> when set, else
/// <c>TestResults/e2e-screenshots</c> at the repository root (beside the TRX files that .ci/run keeps),
/// else under the test output folder.
/// </summary>
public static class ScreenshotDirectory
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("CERS_E2E_SCREENSHOTS") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(RepositoryRoot() ?? AppContext.BaseDirectory, "TestResults", "e2e-screenshots");

    /// <summary>A scenario's own folder, emptied of an earlier run's pictures.</summary>
    public static string For(string scenario)
    {
        var folder = Path.Combine(Root, scenario);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cers.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }
}
