using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.DataProtection;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cers.BusinessPortal.SignIn;

/// <summary>The tokens a refresh returned; <see cref="ExpiresAt"/> is when the new access token runs out.</summary>
public sealed record RefreshedTokens(string AccessToken, string RefreshToken, string? IdentityToken, DateTimeOffset ExpiresAt);

/// <summary>What a refresh came to: new tokens, a refusal (the session is over), or no answer (try again later).</summary>
public sealed record RefreshOutcome(RefreshedTokens? Tokens, bool ProviderUnavailable);

/// <summary>
/// Redeems a refresh token at the provider's token endpoint. The provider rotates refresh tokens and
/// treats a second use of one as theft, revoking the whole chain (RFC 9700 section 4.14.2), so two
/// requests of the same session that both find the access token expiring (two tabs, a double click)
/// must not both redeem it: the first redemption is shared with whoever asks with the same token
/// in the next minute. Within an instance the asking requests await one task; across instances the
/// first to mark the token in the shared state (<see cref="ISharedState"/>) redeems it and leaves the
/// outcome there, encrypted with the portal's Data Protection keys, for the others to pick up.
/// </summary>
public sealed partial class TokenRefresher(
    IHttpClientFactory httpClients,
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IOptions<PortalOidcOptions> settings,
    ISharedState shared,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    ILogger<TokenRefresher> logger) : IDisposable
{
    public const string HttpClientName = "oidc-token";

    /// <summary>How long a redemption and its outcome are remembered, here and in the shared state.</summary>
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);

    /// <summary>How long an instance waits for another instance's redemption of the same token.</summary>
    private static readonly TimeSpan WaitForOther = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    private readonly IDataProtector _outcomes = dataProtection.CreateProtector("Cers.BusinessPortal.RefreshOutcome");

    private readonly Lock _gate = new();

    /// <summary>
    /// This instance's redemptions of the last <see cref="Remembered"/>, at most <see cref="MaxRemembered"/>: each session
    /// refreshes once per access token (15 minutes), so that is some 15,000 sessions on one instance. Past it a
    /// redemption is not remembered here, and two requests of one session would each ask the shared state, where only
    /// one of them marks the token and redeems it: still once, a little slower.
    /// </summary>
    private readonly MemoryCache _redemptions = new(new MemoryCacheOptions { SizeLimit = MaxRemembered });

    private const int MaxRemembered = 1024;

    public async Task<RefreshOutcome> RefreshAsync(string refreshToken)
    {
        var key = "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        // GetOrCreate alone is not atomic: two requests missing the cache at once would each redeem.
        Lazy<Task<RefreshOutcome>> shared;
        lock (_gate)
        {
            shared = _redemptions.GetOrCreate(key, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = Remembered;
                entry.Size = 1;
                // Not the request's cancellation token: other requests may be waiting on this redemption.
                return new Lazy<Task<RefreshOutcome>>(() => RedeemOnceAsync(key, refreshToken, CancellationToken.None));
            })!;
        }

        var outcome = await shared.Value;
        if (outcome.ProviderUnavailable)
        {
            // The token was not redeemed: the next request may try again.
            _redemptions.Remove(key);
        }

        return outcome;
    }

    public void Dispose() => _redemptions.Dispose();

    /// <summary>Redeems the token unless another instance is doing so; then waits for that instance's outcome.</summary>
    private async Task<RefreshOutcome> RedeemOnceAsync(string key, string refreshToken, CancellationToken cancellationToken)
    {
        try
        {
            return await CoordinatedRedeemAsync(key, refreshToken, cancellationToken);
        }
        catch (SharedStateUnavailableException exception)
        {
            // Without the shared state a redemption could race another instance's, which the provider treats as theft:
            // nothing is redeemed now, and the session keeps its token while it lasts.
            LogProviderUnavailable(logger, exception);
            return new RefreshOutcome(null, ProviderUnavailable: true);
        }
    }

    private async Task<RefreshOutcome> CoordinatedRedeemAsync(string key, string refreshToken, CancellationToken cancellationToken)
    {
        if (await shared.TryMarkAsync(key, Remembered, cancellationToken))
        {
            var outcome = await RedeemAsync(refreshToken, cancellationToken);
            if (outcome.ProviderUnavailable)
            {
                await shared.RemoveAsync(key, cancellationToken);
            }
            else
            {
                try
                {
                    await shared.SetAsync(key + ":outcome", _outcomes.Protect(JsonSerializer.SerializeToUtf8Bytes(outcome)), Remembered, cancellationToken);
                }
                catch (SharedStateUnavailableException exception)
                {
                    // The token is redeemed: this request keeps the new tokens; another instance waiting for them signs in anew.
                    LogProviderUnavailable(logger, exception);
                }
            }

            return outcome;
        }

        // Real time, not the portal's clock: this waits for another process.
        for (var waited = TimeSpan.Zero; waited < WaitForOther; waited += PollEvery)
        {
            if (await shared.GetAsync(key + ":outcome", cancellationToken) is { } stored)
            {
                return JsonSerializer.Deserialize<RefreshOutcome>(_outcomes.Unprotect(stored))!;
            }

            await Task.Delay(PollEvery, cancellationToken);
        }

        // The other instance did not finish (it may have stopped): nothing was learnt, the next request tries again.
        return new RefreshOutcome(null, ProviderUnavailable: true);
    }

    private async Task<RefreshOutcome> RedeemAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var oidc = oidcOptions.Get(OpenIdConnectDefaults.AuthenticationScheme);
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            // The discovery document could not be read (IDX20803): the provider is not answering.
            LogProviderUnavailable(logger, exception);
            return new RefreshOutcome(null, ProviderUnavailable: true);
        }

        using var http = httpClients.CreateClient(HttpClientName);
        var response = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = configuration.TokenEndpoint,
            ClientId = settings.Value.ClientId!,
            ClientSecret = settings.Value.ClientSecret,
            RefreshToken = refreshToken,
        }, cancellationToken);

        if (response.ErrorType == ResponseErrorType.Exception || (int)response.HttpStatusCode >= 500)
        {
            LogProviderUnavailable(logger, response.Exception);
            return new RefreshOutcome(null, ProviderUnavailable: true);
        }

        if (response.IsError || response.AccessToken is null || response.RefreshToken is null)
        {
            // The error code only (e.g. invalid_grant): never a token.
            LogRefreshFailed(logger, response.Error ?? "no tokens");
            return new RefreshOutcome(null, ProviderUnavailable: false);
        }

        return new RefreshOutcome(new RefreshedTokens(response.AccessToken, response.RefreshToken, response.IdentityToken,
            time.GetUtcNow().AddSeconds(response.ExpiresIn)), ProviderUnavailable: false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Refreshing the access token failed ({Error}); the user is signed out of the portal")]
    private static partial void LogRefreshFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The provider's token endpoint could not be reached to refresh an access token; the session is kept while its token lasts")]
    private static partial void LogProviderUnavailable(ILogger logger, Exception? exception);
}
