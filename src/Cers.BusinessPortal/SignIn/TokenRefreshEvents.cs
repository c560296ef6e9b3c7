using System.Globalization;
using Cers.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Cers.BusinessPortal.SignIn;

/// <summary>
/// Checks the session's access token on every authenticated request: shortly before it expires it is
/// renewed with the refresh token and the cookie is reissued; when that fails (the refresh token was
/// revoked, expired or reused, or the account was disabled) the session ends, and the next page sends
/// the user to sign in again. A provider that does not answer ends it only once the token has run out.
/// Whatever the tokens, a session ends <see cref="SessionLifetimeOptions.AbsoluteLifetime"/> after it began.
/// </summary>
public sealed class TokenRefreshEvents(TokenRefresher refresher, IOptions<PortalOidcOptions> settings, IOptions<SessionLifetimeOptions> sessions,
    TimeProvider time) : CookieAuthenticationEvents
{
    /// <summary>When the portal session began, kept in the cookie's properties through every renewal.</summary>
    public const string SessionStartedAt = "cers.session_started_at";

    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string IdentityToken = "id_token";
    public const string ExpiresAt = "expires_at";

    /// <summary>
    /// The session begins when the person entered their password at the provider (the ID token's <c>auth_time</c>),
    /// not when the portal heard of it: a portal sign-in riding on an 11-hour-old provider session must not last
    /// another 12 hours. Kept through every renewal.
    /// </summary>
    public override Task SigningIn(CookieSigningInContext context)
    {
        var now = time.GetUtcNow();
        var startedAt = long.TryParse(context.Principal?.FindFirst("auth_time")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && DateTimeOffset.FromUnixTimeSeconds(seconds) is var authenticatedAt && authenticatedAt <= now
                ? authenticatedAt
                : now;
        context.Properties.Items.TryAdd(SessionStartedAt, startedAt.ToString("o", CultureInfo.InvariantCulture));
        context.RecordSignInTime();
        return Task.CompletedTask;
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        // The provider ended the session (back-channel logout): it ends here too, whatever its tokens say.
        if (await context.EndIfLoggedOutAsync(settings.Value.ClientId!))
        {
            return;
        }

        var now = time.GetUtcNow();

        // However active, a session ends its absolute lifetime after it began (OWASP ASVS 3.3.2); one with no start
        // recorded has nothing to count from and ends too.
        if (!context.Properties.Items.TryGetValue(SessionStartedAt, out var started)
            || !DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var startedAt)
            || now - startedAt > sessions.Value.AbsoluteLifetime)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        var expires = DateTimeOffset.TryParse(context.Properties.GetTokenValue(ExpiresAt), CultureInfo.InvariantCulture,
            DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.MinValue;
        if (expires > now + settings.Value.RefreshBeforeExpiry)
        {
            return;
        }

        var outcome = context.Properties.GetTokenValue(RefreshToken) is { Length: > 0 } refreshToken
            ? await refresher.RefreshAsync(refreshToken)
            : new RefreshOutcome(null, ProviderUnavailable: false);
        if (outcome.ProviderUnavailable && expires > now)
        {
            return;
        }

        if (outcome.Tokens is not { } refreshed)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.Properties.UpdateTokenValue(AccessToken, refreshed.AccessToken);
        context.Properties.UpdateTokenValue(RefreshToken, refreshed.RefreshToken);
        if (refreshed.IdentityToken is not null)
        {
            context.Properties.UpdateTokenValue(IdentityToken, refreshed.IdentityToken);
        }

        context.Properties.UpdateTokenValue(ExpiresAt, refreshed.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }
}
