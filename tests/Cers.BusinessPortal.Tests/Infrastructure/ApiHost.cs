extern alias api;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cers.BusinessPortal.Tests.Infrastructure;

/// <summary>
/// The real facility API on real loopback HTTP, trusting the provider at <paramref name="authority"/>;
/// in Development, so the sample agencies are there, but no sample facilities: tests add their own
/// through the portal. Its email goes to the test's SMTP listener.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<api::Program>
{
    private readonly Uri _authority;
    private readonly string _dataDirectory;
    private readonly IEnumerable<KeyValuePair<string, string?>> _settings;

    public ApiHost(Uri authority, string dataDirectory, IEnumerable<KeyValuePair<string, string?>> settings, int port = 0)
    {
        _authority = authority;
        _dataDirectory = dataDirectory;
        _settings = settings;
        UseKestrel(port);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
    }

    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Authentication:Authority", _authority.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Database:DataDirectory", _dataDirectory);
        builder.UseSetting("SampleData:Facilities", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
