using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cers.Testing;

/// <summary>
/// A relying party's back-channel logout endpoint, on real loopback HTTP in the test process: it keeps each logout token
/// the provider POSTs and answers with <see cref="Answer"/> (200 unless a test plays a relying party that is failing).
/// </summary>
public sealed class LogoutReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _tokens = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public LogoutReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = Loopback.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPost("/backchannel-logout", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            _tokens.Enqueue(form["logout_token"].ToString());
            _arrived.Release();
            context.Response.Headers.CacheControl = "no-store";
            if (Answer is HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect)
            {
                context.Response.Headers.Location = Endpoint + "?again";
            }

            return Results.StatusCode((int)Answer);
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri($"http://127.0.0.1:{port}/backchannel-logout");
    }

    public Uri Endpoint { get; }

    /// <summary>The status code every POST is answered with from now on.</summary>
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

    /// <summary>Every logout token received so far, in order.</summary>
    public IReadOnlyCollection<string> Tokens => _tokens;

    /// <summary>
    /// Settings for the provider: client <paramref name="clientIndex"/> of <c>Oidc:Clients</c> takes its logout tokens
    /// here, and failed deliveries are retried within a second or two.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(int clientIndex) =>
    [
        new($"Oidc:Clients:{clientIndex}:BackChannelLogoutUri", Endpoint.ToString()),
        new("LogoutDelivery:FirstRetryDelay", "00:00:01"),
        new("LogoutDelivery:MaxRetryDelay", "00:00:02"),
        new("LogoutDelivery:Timeout", "00:00:05"),
    ];

    /// <summary>Waits until a token matching <paramref name="match"/> has arrived; it, or an exception after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_tokens.FirstOrDefault(match) is { } token)
            {
                return token;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No matching logout token arrived at {Endpoint} ({_tokens.Count} others did).");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
