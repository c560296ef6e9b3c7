using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Cers.Testing;

namespace Cers.Benchmarks;

/// <summary>What one service's process held: resident set 25 s after its start, and 25 s after the loads; the loads it served.</summary>
/// <param name="Gc">How its garbage collector ran (<see cref="GcMode.Describe"/>).</param>
/// <param name="IdleBytes">VmRSS 25 s after the process started, null when it could not be read.</param>
/// <param name="AfterLoadBytes">VmRSS 25 s after the last load ended.</param>
/// <param name="Loads">The loads it served, one result each (their rates are the throughput beside the memory).</param>
internal sealed record ServiceMemory(string Gc, long? IdleBytes, long? AfterLoadBytes, IReadOnlyList<ScenarioResult> Loads)
{
    /// <summary>The service's row: its loads' errors are its errors, and so is a reading missed because the process had exited.</summary>
    public ScenarioResult Row(string service)
    {
        var exited = IdleBytes is null || AfterLoadBytes is null ? $"{service} had exited before it was read" : null;
        return new ScenarioResult(service, Loads.Sum(l => l.Succeeded), Loads.Sum(l => l.Errors) + (exited is null ? 0 : 1),
            exited ?? Loads.Select(l => l.FirstError).FirstOrDefault(e => e is not null), TimeSpan.Zero, [], Loads.Any(l => l.Interrupted))
        {
            Memory = this,
        };
    }
}

/// <summary>
/// The resident memory of each service as it runs on its own: the provider, the facility API and the Business Portal,
/// each the built assembly started as its own process (<see cref="ServiceProcess"/>) in Development, as the AppHost
/// starts them, with fresh SQLite files and generated certificates in a temp folder. The in-process scenarios cannot
/// tell this: there every service shares the benchmark's process. Each is read 25 s after it started; then each gets a
/// load over real HTTP (tokens and sign-ins, facility searches, signed-in page loads), and after 25 s of quiet all are
/// read again. Every process is killed and the folder deleted afterwards, whatever happened.
/// </summary>
internal static class ServiceMemoryScenario
{
    public const string ProviderTitle = "provider";
    public const string ApiTitle = "facility API";
    public const string PortalTitle = "business portal";

    /// <summary>How long after its start a service is read, and how long all rest after the loads before the second reading.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(25);

    /// <summary>Development's sample business user (src/Cers.Idp/appsettings.Development.json): no role, so no second factor.</summary>
    private const string UserName = "bizuser1";
    private const string Password = "correct horse battery staple";

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkOptions options, GcMode gc, CancellationToken stopping)
    {
        using var data = new TempDirectory("cers-memory-bench-");
        var provider = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");
        var portal = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");
        var services = new List<(string Title, string Project, ServiceProcess Process, long Started)>();
        try
        {
            // As the AppHost starts them: each once the one it needs answers, so the three start-ups overlap little.
            foreach (var (title, project, settings, port) in new[]
            {
                (ProviderTitle, "Cers.Idp", ProviderSettings(data.Path, provider, portal), provider.Port),
                (ApiTitle, "Cers.FacilityApi", ApiSettings(data.Path, provider, portal), (int?)null),
                (PortalTitle, "Cers.BusinessPortal", new Dictionary<string, string?>
                {
                    ["Oidc:Authority"] = provider.ToString(),
                    ["Oidc:ClientSecret"] = DevelopmentClients.PortalSecret,
                }, portal.Port),
            })
            {
                await Console.Error.WriteLineAsync($"memory ({gc.Key}): starting the {title} ({project}) as its own process...");
                var started = Stopwatch.GetTimestamp();
                if (title == PortalTitle)
                {
                    settings["FacilityApi:BaseAddress"] = services.Single(s => s.Title == ApiTitle).Process.Address.ToString();
                }

                services.Add((title, project, await ServiceProcess.StartAsync(title, project, Common(gc).Concat(settings).ToDictionary(), port), started));
            }

            var idle = new Dictionary<string, long?>();
            foreach (var service in services)
            {
                await Task.Delay(Remaining(service.Started, Quiet), stopping);
                idle[service.Title] = ResidentBytes(service.Process);
            }

            var loads = await LoadAsync(services.ToDictionary(s => s.Title, s => s.Process.Address), options, stopping);
            await Console.Error.WriteLineAsync($"memory ({gc.Key}): {Quiet.TotalSeconds:0} s of quiet before the second reading...");
            await Task.Delay(Quiet, stopping);
            return [.. services.Select(service => new ServiceMemory(gc.Describe(Repository.AssemblyOf(service.Project)), idle[service.Title],
                ResidentBytes(service.Process), loads[service.Title]).Row(service.Title))];
        }
        catch (Exception e) when (e is not OperationCanceledException && services.FirstOrDefault(s => s.Process.HasExited) is { Process: { } exited })
        {
            // A refused connection says little; what the service printed before it went says why.
            throw new InvalidOperationException($"{exited.Name} exited during the run; its last output:\n{exited.Output}", e);
        }
        finally
        {
            foreach (var service in services)
            {
                service.Process.Dispose();
            }
        }
    }

    /// <summary>Each service's load in turn, so each rate is that service's alone (the portal's pages call the API, as they must).</summary>
    private static async Task<Dictionary<string, IReadOnlyList<ScenarioResult>>> LoadAsync(Dictionary<string, Uri> addresses, BenchmarkOptions options,
        CancellationToken stopping)
    {
        var shape = new LoadShape(options.Concurrency, options.WarmUp, options.Duration);
        using var providerClient = InProcessProvider.CreateLoadClient(addresses[ProviderTitle]);
        await Console.Error.WriteLineAsync("memory: provider load: client_credentials tokens, then password sign-ins...");
        IReadOnlyList<ScenarioResult> provider =
        [
            await HttpScenarios.ClientCredentialsAsync("client_credentials", providerClient, shape, stopping),
            await new SignInScenario(providerClient, [UserName], Password).RunAsync("password sign-in", shape, stopping),
        ];

        await Console.Error.WriteLineAsync("memory: facility API load: address searches by street number...");
        using var apiClient = InProcessProvider.CreateLoadClient(addresses[ApiTitle]);
        using var token = await HttpScenarios.RequestTokenAsync(providerClient, "facility.read", stopping);
        var bearer = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(token, stopping));
        var numbers = new TurnTaker();
        var api = await RunCheckedAsync("facility search", shape, async cancel =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/facilities/search?number={numbers.Next()}");
            request.Headers.Authorization = bearer;
            using var response = await apiClient.SendAsync(request, cancel);
            return await HttpErrors.DescribeFailureAsync(response, cancel);
        }, stopping);

        await Console.Error.WriteLineAsync("memory: portal load: signed-in page loads (home, then a facility search)...");
        using var session = new PortalSession(addresses[PortalTitle]);
        var portal = await session.SignInAsync(UserName, Password, stopping) is { } failed
            ? ScenarioResult.NotRun("portal pages", failed)
            : await RunCheckedAsync("portal pages", shape, async cancel =>
                await session.LoadAsync("/", "Add a new facility/business", cancel)
                ?? await session.LoadAsync($"/Facilities/Add?Number={numbers.Next()}", "results", cancel), stopping);

        return new()
        {
            [ProviderTitle] = provider,
            [ApiTitle] = [api],
            [PortalTitle] = [portal],
        };
    }

    /// <summary>The load, after its first iteration succeeded (so a stream of fast errors cannot pass for a rate).</summary>
    private static async Task<ScenarioResult> RunCheckedAsync(string title, LoadShape shape, Func<CancellationToken, Task<string?>> iteration,
        CancellationToken stopping) =>
        await iteration(stopping) is { } problem
            ? ScenarioResult.NotRun(title, problem)
            : await LoadLoop.RunAsync(title, shape, iteration, stopping);

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (await HttpErrors.DescribeFailureAsync(response, cancellationToken) is { } failure)
        {
            throw new InvalidOperationException($"No access token from the provider: {failure}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>What every service gets: Development, fewer log lines, and an SMTP server that refuses at once (none runs).</summary>
    private static Dictionary<string, string?> Common(GcMode gc) => new(gc.Environment)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = InProcessProvider.ClosedLoopbackPort().ToString(CultureInfo.InvariantCulture),
        ["Email:Smtp:Security"] = "None",
        ["Email:Outbox:FirstRetryDelay"] = "00:30:00",
    };

    /// <summary>The AppHost's provider settings, on loopback ports of the benchmark's choosing, with its rate limits lifted.</summary>
    private static Dictionary<string, string?> ProviderSettings(string data, Uri provider, Uri portal) => new(IdpHost.RateLimitsLifted)
    {
        ["Database:DataDirectory"] = Path.Combine(data, "idp"),
        ["Keys:Directory"] = Path.Combine(data, "idp"),
        ["Oidc:Issuer"] = provider.ToString(),
        ["Oidc:Clients:0:RedirectUris:0"] = new Uri(portal, "signin-oidc").ToString(),
        ["Oidc:Clients:0:PostLogoutRedirectUris:0"] = new Uri(portal, "signout-callback-oidc").ToString(),
        ["Oidc:Clients:0:BackChannelLogoutUri"] = new Uri(portal, "signout-backchannel").ToString(),
        ["BusinessPortal:Url"] = portal.ToString(),
    };

    /// <summary>The AppHost's API settings: Development's 20,000 sample facilities are seeded at its start.</summary>
    private static Dictionary<string, string?> ApiSettings(string data, Uri provider, Uri portal) => new()
    {
        ["Database:DataDirectory"] = Path.Combine(data, "api"),
        ["Authentication:Authority"] = provider.ToString(),
        ["AccessRequests:PortalUrl"] = portal.ToString(),
    };

    private static TimeSpan Remaining(long started, TimeSpan span) =>
        span - Stopwatch.GetElapsedTime(started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>VmRSS from /proc: what the process holds in memory, its mapped files and the runtime's own included.</summary>
    private static long? ResidentBytes(ServiceProcess service)
    {
        if (service.HasExited)
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{service.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>House numbers 100-999 in turn, for workers on several threads: each matches some of the 20,000 sample facilities.</summary>
    private sealed class TurnTaker
    {
        private long _turn;

        public int Next() => 100 + (int)((ulong)Interlocked.Increment(ref _turn) % 900);
    }
}
