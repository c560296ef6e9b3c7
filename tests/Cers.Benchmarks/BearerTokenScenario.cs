using System.Net;
using System.Net.Http.Headers;
using Cers.FacilityApi.Agencies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// What validating a bearer token costs the facility API: <c>GET /api/agencies</c> with a real access
/// token from the provider, against an identical copy of the same route (same handler, same query, same
/// middleware) that the benchmark's host alone maps without authorization. Every route of the API needs
/// a token, so the copy is the only way to run the same handler without one; the product is not changed.
/// </summary>
internal sealed class BearerTokenScenario(HttpClient client, string accessToken)
{
    public const string AuthorizedTitle = "GET /api/agencies, bearer token";
    public const string AnonymousTitle = "GET /api/agencies copy, anonymous";

    public const string AuthorizedPath = "api/agencies";

    /// <summary>Mapped by <see cref="MapAnonymousCopy"/> in the benchmark's host only.</summary>
    public const string AnonymousPath = "benchmark/anonymous/agencies";

    private readonly AuthenticationHeaderValue _bearer = new("Bearer", accessToken);

    /// <summary>
    /// Maps <see cref="AnonymousPath"/> to the API's own <see cref="AgencyEndpoints.ListAgencies"/> handler,
    /// allowing anonymous callers, on the application's own route builder, so the copy runs through the
    /// same pipeline as the original (exception handler, authentication, authorization, endpoint). A
    /// startup filter is the host builder's hook into that pipeline; once the application has composed
    /// it, the WebApplication (the route builder Program.cs maps on) is among the pipeline's properties,
    /// where UseRouting put it, and a route added to it then is matched like the others, as endpoints are
    /// read when the first request arrives.
    /// </summary>
    public static void MapAnonymousCopy(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, AnonymousCopyFilter>();

    public Task<ScenarioResult> RunAuthorizedAsync(LoadShape shape, CancellationToken cancellationToken) =>
        RunAsync(AuthorizedTitle, AuthorizedPath, _bearer, shape, cancellationToken);

    public Task<ScenarioResult> RunAnonymousAsync(LoadShape shape, CancellationToken cancellationToken) =>
        RunAsync(AnonymousTitle, AnonymousPath, bearer: null, shape, cancellationToken);

    /// <summary>Before the load: the token is required on the original and the copy answers the same agencies without one.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using (var refused = await client.GetAsync(AuthorizedPath, cancellationToken))
        {
            if (refused.StatusCode != HttpStatusCode.Unauthorized)
            {
                return $"GET /{AuthorizedPath} without a token answered {(int)refused.StatusCode}, not 401";
            }
        }

        var original = await GetBodyAsync(AuthorizedPath, _bearer, cancellationToken);
        var copy = await GetBodyAsync(AnonymousPath, bearer: null, cancellationToken);
        if ((original.Error ?? copy.Error) is { } error)
        {
            return error;
        }

        return original.Body != copy.Body || !original.Body.Contains("\"code\"", StringComparison.Ordinal)
            ? $"the anonymous copy answered something else than GET /{AuthorizedPath} ({copy.Body.Length} and {original.Body.Length} characters)"
            : null;
    }

    private async Task<(string Body, string? Error)> GetBodyAsync(string path, AuthenticationHeaderValue? bearer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = bearer;
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return (body, response.IsSuccessStatusCode ? null : HttpErrors.Describe(response, body));
    }

    private Task<ScenarioResult> RunAsync(string scenario, string path, AuthenticationHeaderValue? bearer, LoadShape shape,
        CancellationToken cancellationToken) =>
        LoadLoop.RunAsync(scenario, shape, async cancel =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = bearer;
            using var response = await client.SendAsync(request, cancel);
            return await HttpErrors.DescribeFailureAsync(response, cancel);
        }, cancellationToken);

    private sealed class AnonymousCopyFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            if (app.Properties.Values.OfType<WebApplication>().FirstOrDefault() is not IEndpointRouteBuilder routes)
            {
                throw new InvalidOperationException(
                    $"The facility API's WebApplication is not among the pipeline's properties; the anonymous copy of /{AuthorizedPath} cannot be mapped.");
            }

            routes.MapGet("/" + AnonymousPath, AgencyEndpoints.ListAgencies).AllowAnonymous();
        };
    }
}
