using System.Text.Json;
using Cers.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// A provider of its own (job server off, so no recurring job or outbox runs beside the measurement)
/// and the facility API trusting it, both on loopback, with the load generator's client for the API and
/// real access tokens from the provider's token endpoint.
/// </summary>
internal sealed class FacilityApiPair : IAsyncDisposable
{
    private FacilityApiPair(InProcessProvider provider, InProcessFacilityApi api)
    {
        Provider = provider;
        Api = api;
        Client = api.CreateLoadClient();
    }

    public InProcessProvider Provider { get; }

    public InProcessFacilityApi Api { get; }

    /// <summary>For the API; see <see cref="InProcessProvider.CreateLoadClient(Uri)"/>.</summary>
    public HttpClient Client { get; }

    /// <param name="engine">The database engine both run on.</param>
    /// <param name="apiServices">Services on top of the API's own (a benchmark-only route), or none.</param>
    public static async Task<FacilityApiPair> StartAsync(string title, DatabaseProvider engine, Action<IServiceCollection>? apiServices = null)
    {
        await Console.Error.WriteLineAsync(
            $"{title}: starting a provider of its own (no job server) and the facility API on {BenchmarkDatabase.Name(engine)}...");
        var provider = new InProcessProvider(new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" }, engine);
        try
        {
            var api = new InProcessFacilityApi(provider.BaseAddress, apiServices, engine);
            await Console.Error.WriteLineAsync($"{title}: provider at {provider.BaseAddress}, facility API at {api.BaseAddress}, data in {api.DataDirectory}");
            return new FacilityApiPair(provider, api);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>A real access token: client_credentials for the development regulator client, as a regulator's system gets one.</summary>
    public async Task<string> RequestAccessTokenAsync(string scope, CancellationToken cancellationToken)
    {
        using var client = Provider.CreateLoadClient();
        using var response = await HttpScenarios.RequestTokenAsync(client, scope, cancellationToken);
        if (await HttpErrors.DescribeFailureAsync(response, cancellationToken) is { } failure)
        {
            throw new InvalidOperationException($"No access token from the provider: {failure}");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("The provider's token response has no access_token.");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
