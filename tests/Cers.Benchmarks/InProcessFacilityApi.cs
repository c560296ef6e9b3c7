using Cers.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// The real facility API (its own Program, configuration and pipeline) on Kestrel on a loopback port, in
/// Development, trusting the in-process provider at <c>authority</c>: it reads that provider's discovery
/// document and JWKS over HTTP and validates every bearer token locally, as in a deployment. Its database
/// (<see cref="BenchmarkDatabase"/>) and temp folder are deleted on dispose. The sample agencies are seeded at start, no sample
/// facilities: a scenario seeds what it needs through the API's own seeder.
/// </summary>
internal sealed class InProcessFacilityApi : WebApplicationFactory<Program>
{
    private readonly Uri _authority;
    private readonly Action<IServiceCollection>? _services;
    private readonly BenchmarkDatabase _database;

    /// <param name="services">Services on top of the API's own, e.g. a startup filter that maps a benchmark-only route.</param>
    /// <param name="engine">The database engine it runs on.</param>
    public InProcessFacilityApi(Uri authority, Action<IServiceCollection>? services = null, DatabaseProvider engine = DatabaseProvider.Sqlite)
    {
        _authority = authority;
        _services = services;
        DataDirectory = Directory.CreateTempSubdirectory("cers-facility-api-bench-").FullName;
        _database = BenchmarkDatabase.Create(engine);
        try
        {
            UseKestrel(0);
            StartServer();
            BaseAddress = ClientOptions.BaseAddress;

            // The load generator must never leave the machine.
            if (!BaseAddress.IsLoopback)
            {
                throw new InvalidOperationException($"The facility API listens on {BaseAddress}, which is not a loopback address.");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    /// <summary>The load generator's client: see <see cref="InProcessProvider.CreateLoadClient(Uri)"/>.</summary>
    public HttpClient CreateLoadClient() => InProcessProvider.CreateLoadClient(BaseAddress);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Authentication:Authority", _authority.ToString());
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _database.With(Cers.FacilityApi.Data.DatabaseExtensions.Names, null))
        {
            builder.UseSetting(key, value);
        }

        // Agencies only at start; the scenario seeds its facilities itself, timed.
        builder.UseSetting("SampleData:Facilities", "0");

        // No job server beside the measurement (no recurring jobs, no outbox delivery), and an SMTP
        // section that validates; settings the API does not know yet are ignored.
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting("Email:Smtp:Host", "localhost");
        builder.UseSetting("Email:Smtp:Port", "2525");
        builder.UseSetting("Email:Smtp:Security", "None");

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            InProcessProvider.DeleteDirectory(DataDirectory);
            _database.Dispose();
        }
    }
}
