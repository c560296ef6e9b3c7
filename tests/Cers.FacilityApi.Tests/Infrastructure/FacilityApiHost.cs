using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// The real facility API on real loopback HTTP (Kestrel), trusting the provider at
/// <paramref name="authority"/>: it reads that provider's discovery document and JWKS over HTTP,
/// exactly as it does in a deployment. Its SQLite file is in <paramref name="dataDirectory"/>; it
/// starts in Development, so the sample agencies are seeded, but no sample facilities: tests make
/// their own.
/// </summary>
public sealed class FacilityApiHost : WebApplicationFactory<Program>
{
    private readonly Uri _authority;

    public FacilityApiHost(Uri authority, string dataDirectory)
    {
        _authority = authority;
        DataDirectory = dataDirectory;
        UseKestrel(0);
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
    }

    /// <summary>A caller of the API, with no token unless the test adds one.</summary>
    public HttpClient CreateCaller() => new() { BaseAddress = BaseAddress };
}
