using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// The real facility API on real loopback HTTP (Kestrel), trusting the provider at
/// <paramref name="authority"/>: it reads that provider's discovery document and JWKS over HTTP,
/// exactly as it does in a deployment. Its SQLite file is in <paramref name="dataDirectory"/> (or the folder's
/// PostgreSQL database, see <see cref="TestDatabase"/>); it
/// starts in Development, so the sample agencies are seeded, but no sample facilities: tests make
/// their own. Its email goes to the SMTP server that <paramref name="settings"/> names (an
/// <see cref="SmtpListener"/>'s), and <paramref name="services"/> may replace services such as the clock.
/// </summary>
public sealed class FacilityApiHost : WebApplicationFactory<Program>
{
    private readonly Uri _authority;
    private readonly IEnumerable<KeyValuePair<string, string?>> _settings;
    private readonly Action<IServiceCollection>? _services;

    public FacilityApiHost(Uri authority, string dataDirectory, IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null, int port = 0)
    {
        _authority = authority;
        _settings = settings ?? [];
        _services = services;
        DataDirectory = dataDirectory;
        UseKestrel(port);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Authentication:Authority", _authority.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("SampleData:Facilities", "0");

        // Test users are made fresh per test, but some ask many times; the limits are tested on a host of their own.
        builder.UseSetting("AccessRequests:MaxPerHour", "1000");
        builder.UseSetting("AccessRequests:MaxPerDay", "1000");
        if (!_settings.Any(s => s.Key == "Database:Provider"))
        {
            foreach (var (key, value) in TestDatabase.SettingsFor(DataDirectory, Cers.FacilityApi.Data.DatabaseExtensions.Names.ConnectionStringName))
            {
                builder.UseSetting(key, value);
            }
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>A caller of the API, with no token unless the test adds one.</summary>
    public HttpClient CreateCaller() => new() { BaseAddress = BaseAddress };
}
