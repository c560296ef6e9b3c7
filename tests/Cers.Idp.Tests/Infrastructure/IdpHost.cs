using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cers.Idp.Tests.Infrastructure;

/// <summary>
/// A provider started with settings of the test's choosing (environment, configuration), for tests
/// about start-up and configuration. Runs in memory unless <paramref name="kestrel"/> asks for
/// loopback HTTP.
/// </summary>
public class IdpHost : WebApplicationFactory<Program>
{
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public IdpHost(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development", bool kestrel = false)
    {
        DataDirectory = dataDirectory;
        _environment = environment;
        _settings = settings ?? new Dictionary<string, string?>();
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string DataDirectory { get; }

    /// <summary>Builds and starts the host; throws what the provider throws at start.</summary>
    public IdpHost Start()
    {
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("Keys:Directory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>A temporary folder that is removed with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cers-idp-test-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A handle may linger for a moment; the folder is under the temp directory.
        }
    }
}
