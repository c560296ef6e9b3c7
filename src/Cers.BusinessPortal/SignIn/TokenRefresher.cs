using System.Security.Cryptography;
using System.Text;
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
/// in the next minute. This holds within one instance; across instances a race ends in a fresh
/// sign-in, not in a wrong answer.
/// </summary>
public sealed partial class TokenRefresher(
    IHttpClientFactory httpClients,
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IOptions<PortalOidcOptions> settings,
    IMemoryCache cache,
    TimeProvider time,
    ILogger<TokenRefresher> logger)
{
    public const string HttpClientName = "oidc-token";

    private readonly Lock _gate = new();

    public async Task<RefreshOutcome> RefreshAsync(string refreshToken)
    {
        var key = "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        // GetOrCreate alone is not atomic: two requests missing the cache at once would each redeem.
        Lazy<Task<RefreshOutcome>> shared;
        lock (_gate)
        {
            shared = cache.GetOrCreate(key, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
                // Not the request's cancellation token: other requests may be waiting on this redemption.
                return new Lazy<Task<RefreshOutcome>>(() => RedeemAsync(refreshToken, CancellationToken.None));
            })!;
        }

        var outcome = await shared.Value;
        if (outcome.ProviderUnavailable)
        {
            // The token was not redeemed: the next request may try again.
            cache.Remove(key);
        }

        return outcome;
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
