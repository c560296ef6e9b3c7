using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cers.BusinessPortal.Tests.Infrastructure;

/// <summary>
/// The real Business Portal on real loopback HTTP at a port chosen before it starts (the provider must
/// know its redirect URI first), signing users in at <paramref name="authority"/> and calling the API
/// at <paramref name="facilityApi"/>. Its clock is <paramref name="clock"/>, so a test can make the
/// access token it holds come close to expiry without waiting. <paramref name="settings"/> and <paramref name="services"/>
/// make it one of several instances of a test's own (their shared keys and state, a watched token endpoint).
/// </summary>
public sealed class PortalHost : WebApplicationFactory<Program>
{
    private readonly Uri _authority;
    private readonly Uri _facilityApi;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public PortalHost(int port, Uri authority, Uri facilityApi, TimeProvider clock, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        _authority = authority;
        _facilityApi = facilityApi;
        _clock = clock;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Oidc:Authority", _authority.ToString());
        builder.UseSetting("Oidc:ClientSecret", DevelopmentClients.PortalSecret);
        builder.UseSetting("FacilityApi:BaseAddress", _facilityApi.ToString());
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(_clock);
            _services?.Invoke(services);
        });
    }
}
