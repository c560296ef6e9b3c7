namespace Cers.ScaleOut.Tests.Infrastructure;

/// <summary>
/// The whole system as it runs statewide, on this machine: the provider, the facility API and the Business Portal, two
/// processes each, every service's instances on one PostgreSQL database (made ready by the service's <c>migrate</c>
/// command, as a deploy does) and one Redis, each pair behind a round-robin <see cref="RoundRobinProxy"/>, with the
/// email going to one SMTP listener. Users only ever see the proxies' addresses.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _data = new("cers-scale-out-");
    private readonly List<IAsyncDisposable> _proxies = [];

    public SmtpListener Smtp { get; } = new();

    public ServiceProcess[] Idp { get; private set; } = [];

    public ServiceProcess[] Api { get; private set; } = [];

    public ServiceProcess[] Portal { get; private set; } = [];

    public Uri IdpAddress { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    public Uri PortalAddress { get; private set; } = null!;

    public string IdpConnectionString { get; private set; } = "";

    public string FacilityConnectionString { get; private set; } = "";

    /// <summary>Every instance's output, for a failure's message.</summary>
    public string Output => string.Join("\n", Idp.Concat(Api).Concat(Portal).Select(p => p.Output));

    public async Task InitializeAsync()
    {
        if (PostgreSqlTestDatabase.UnavailableReason is not null || TestRedis.UnavailableReason is not null)
        {
            // The tests are skipped ([ServerFact]) or, with CI=true, fail on the missing server themselves.
            return;
        }

        // Each service's database (and Redis key prefix) belongs to its data folder, dropped with it.
        var idpServers = new Dictionary<string, string?>(TestDatabase.ServerSettingsFor(Path.Combine(_data.Path, "idp"), "IdpDb"));
        var apiServers = new Dictionary<string, string?>(TestDatabase.ServerSettingsFor(Path.Combine(_data.Path, "api"), "FacilityDb"));
        IdpConnectionString = idpServers["ConnectionStrings:IdpDb"]!;
        FacilityConnectionString = apiServers["ConnectionStrings:FacilityDb"]!;
        var idpPort = RoundRobinProxy.ReservePort();
        var apiPort = RoundRobinProxy.ReservePort();
        var portalPort = RoundRobinProxy.ReservePort();
        IdpAddress = new Uri($"http://127.0.0.1:{idpPort}/");
        ApiAddress = new Uri($"http://127.0.0.1:{apiPort}/");
        PortalAddress = new Uri($"http://127.0.0.1:{portalPort}/");

        var common = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Database:MigrateAtStart"] = "false",
            ["Jobs:ShutdownTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in Smtp.Settings())
        {
            common[key] = value;
        }

        var idp = new Dictionary<string, string?>(common.Concat(idpServers))
        {
            ["Database:DataDirectory"] = Path.Combine(_data.Path, "idp"),
            ["Keys:Directory"] = Path.Combine(_data.Path, "idp-keys"),
            ["Oidc:Issuer"] = IdpAddress.ToString(),
            ["Oidc:Clients:0:RedirectUris:0"] = new Uri(PortalAddress, "signin-oidc").ToString(),
            ["Oidc:Clients:0:PostLogoutRedirectUris:0"] = new Uri(PortalAddress, "signout-callback-oidc").ToString(),
            ["Oidc:Clients:0:BackChannelLogoutUri"] = new Uri(PortalAddress, "signout-backchannel").ToString(),
            ["BusinessPortal:Url"] = PortalAddress.ToString(),
        };
        var api = new Dictionary<string, string?>(common.Concat(apiServers))
        {
            ["Database:DataDirectory"] = Path.Combine(_data.Path, "api"),
            ["Authentication:Authority"] = IdpAddress.ToString(),
            ["SampleData:Facilities"] = "0",
            ["AccessRequests:PortalUrl"] = PortalAddress.ToString(),
        };
        // The portal has no database; its instances share the provider's Redis keys' prefix.
        var portal = new Dictionary<string, string?>(common)
        {
            ["Redis:Configuration"] = idpServers["Redis:Configuration"],
            ["Redis:KeyPrefix"] = idpServers["Redis:KeyPrefix"],
            ["Oidc:Authority"] = IdpAddress.ToString(),
            ["Oidc:ClientSecret"] = DevelopmentClients.PortalSecret,
            ["FacilityApi:BaseAddress"] = ApiAddress.ToString(),

            // Every portal request refreshes its access token, so refresh tokens rotate across all the instances.
            ["Oidc:RefreshBeforeExpiry"] = "1.00:00:00",
        };

        // The deploy step, then the instances: the first of each makes what the second shares (Development's keys and samples).
        await MigrateAsync("Cers.Idp", idp);
        await MigrateAsync("Cers.FacilityApi", api);
        Idp = [await ServiceProcess.StartAsync("idp-1", "Cers.Idp", idp), await ServiceProcess.StartAsync("idp-2", "Cers.Idp", idp)];
        _proxies.Add(await RoundRobinProxy.StartAsync(idpPort, [.. Idp.Select(i => i.Address)]));
        Api = [await ServiceProcess.StartAsync("api-1", "Cers.FacilityApi", api), await ServiceProcess.StartAsync("api-2", "Cers.FacilityApi", api)];
        _proxies.Add(await RoundRobinProxy.StartAsync(apiPort, [.. Api.Select(i => i.Address)]));
        Portal = [await ServiceProcess.StartAsync("portal-1", "Cers.BusinessPortal", portal),
            await ServiceProcess.StartAsync("portal-2", "Cers.BusinessPortal", portal)];
        _proxies.Add(await RoundRobinProxy.StartAsync(portalPort, [.. Portal.Select(i => i.Address)]));
    }

    public async Task DisposeAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        foreach (var instance in Idp.Concat(Api).Concat(Portal))
        {
            instance.Dispose();
        }

        await Smtp.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();

    private static async Task MigrateAsync(string project, Dictionary<string, string?> settings)
    {
        var (exitCode, output) = await ServiceProcess.RunAsync(project, settings, "migrate");
        exitCode.ShouldBe(0, output);
    }
}

[CollectionDefinition(Name)]
public sealed class ScaleOutCollection : ICollectionFixture<ScaleOutFixture>
{
    public const string Name = "scale-out";
}
