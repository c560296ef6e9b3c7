using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cers.Benchmarks;

/// <summary>
/// The back-channel scenarios: a regulator system's token request and the metadata every relying party
/// and resource server reads. Each checks its first response's content before the load starts, so a
/// fast stream of wrong answers cannot pass for a result.
/// </summary>
internal static class HttpScenarios
{
    public const string RegulatorClientId = "regulator-sacramento-emd";
    public const string RegulatorSecret = "development-only-regulator-secret-3d9b6c0a1e4f";

    private const string TokenScopes = "facility.read facility.regulator";

    /// <summary>client_secret_basic: id and secret form-encoded, then joined and Base64-encoded (RFC 6749 section 2.3.1).</summary>
    private static readonly AuthenticationHeaderValue RegulatorCredentials = new("Basic", Convert.ToBase64String(
        Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(RegulatorClientId)}:{Uri.EscapeDataString(RegulatorSecret)}")));

    public static async Task<ScenarioResult> ClientCredentialsAsync(string scenario, HttpClient client, LoadShape shape,
        CancellationToken cancellationToken)
    {
        using (var first = await RequestTokenAsync(client, cancellationToken))
        {
            var problem = await CheckJsonAsync(first, json =>
                json.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 }
                    ? null
                    : "the token response has no access_token", cancellationToken);
            if (problem is not null)
            {
                return ScenarioResult.NotRun(scenario, problem);
            }
        }

        return await LoadLoop.RunAsync(scenario, shape, async cancel =>
        {
            using var response = await RequestTokenAsync(client, cancel);
            return await HttpErrors.DescribeFailureAsync(response, cancel);
        }, cancellationToken);
    }

    public static Task<ScenarioResult> DiscoveryAsync(string scenario, HttpClient client, LoadShape shape,
        CancellationToken cancellationToken) =>
        GetRepeatedlyAsync(scenario, client, ".well-known/openid-configuration", shape, json =>
            json.TryGetProperty("issuer", out var issuer) && issuer.GetString() is { Length: > 0 }
                ? null
                : "the discovery document has no issuer", cancellationToken);

    public static Task<ScenarioResult> JwksAsync(string scenario, HttpClient client, LoadShape shape,
        CancellationToken cancellationToken) =>
        GetRepeatedlyAsync(scenario, client, ".well-known/jwks", shape, json =>
            json.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array && keys.GetArrayLength() > 0
                ? null
                : "the key set has no keys", cancellationToken);

    private static Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, CancellationToken cancellationToken) =>
        RequestTokenAsync(client, TokenScopes, cancellationToken);

    /// <summary>client_credentials for the development regulator client with <paramref name="scope"/>.</summary>
    public static async Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, string scope, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", scope)]),
        };
        request.Headers.Authorization = RegulatorCredentials;
        return await client.SendAsync(request, cancellationToken);
    }

    private static async Task<ScenarioResult> GetRepeatedlyAsync(string scenario, HttpClient client, string path, LoadShape shape,
        Func<JsonElement, string?> checkFirst, CancellationToken cancellationToken)
    {
        using (var first = await client.GetAsync(path, cancellationToken))
        {
            if (await CheckJsonAsync(first, checkFirst, cancellationToken) is { } problem)
            {
                return ScenarioResult.NotRun(scenario, problem);
            }
        }

        return await LoadLoop.RunAsync(scenario, shape, async cancel =>
        {
            using var response = await client.GetAsync(path, cancel);
            return await HttpErrors.DescribeFailureAsync(response, cancel);
        }, cancellationToken);
    }

    private static async Task<string?> CheckJsonAsync(HttpResponseMessage response, Func<JsonElement, string?> check,
        CancellationToken cancellationToken)
    {
        if (await HttpErrors.DescribeFailureAsync(response, cancellationToken) is { } failure)
        {
            return failure;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return check(json.RootElement);
    }
}

internal static class HttpErrors
{
    /// <summary>Null for a 2xx answer; otherwise the status and the start of the body (OpenIddict puts its error there).</summary>
    public static async Task<string?> DescribeFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return Describe(response, body);
    }

    public static string Describe(HttpResponseMessage response, string body)
    {
        var path = response.RequestMessage?.RequestUri?.AbsolutePath;
        var start = (body.Length > 200 ? body[..200] + "..." : body).ReplaceLineEndings(" ");
        return $"{response.RequestMessage?.Method} {path}: {(int)response.StatusCode} {response.ReasonPhrase} {start}".TrimEnd();
    }
}
