using System.Globalization;
using System.Security.Claims;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Cers.Idp.Sessions;

/// <summary>
/// Ties the provider's session cookie to its <see cref="ProviderSession"/> row. The cookie carries only the session's id
/// (a claim, not an <c>ITicketStore</c>: the cookie stays self-contained and encrypted with the shared Data Protection
/// keys, and the row is one small read by primary key on any instance). Every way a session cookie is issued (password,
/// passkey, second factor, enrolment, renewal) passes through <see cref="CookieAuthenticationEvents.OnSigningIn"/>, so
/// none can start a session the database does not know; every sign-out ends its row.
/// </summary>
public static class SessionCookieEvents
{
    /// <summary>Wraps the events already set (Identity's security-stamp check and the absolute-lifetime check run after this one).</summary>
    public static void Attach(CookieAuthenticationEvents events)
    {
        var validate = events.OnValidatePrincipal;
        events.OnValidatePrincipal = async context =>
        {
            var sessions = context.HttpContext.RequestServices.GetRequiredService<ProviderSessions>();
            if (!await sessions.IsActiveAsync(context.Principal?.FindFirst(SessionClaims.SessionId)?.Value, SubjectOf(context.Principal),
                    context.HttpContext.Connection.RemoteIpAddress?.ToString(), fromBrowser: true, context.HttpContext.RequestAborted))
            {
                // Ended elsewhere (My Account, an admin, a password reset), expired, or a cookie from before sessions were kept.
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                return;
            }

            await validate(context);
        };

        var signingIn = events.OnSigningIn;
        events.OnSigningIn = async context =>
        {
            await StartAsync(context);
            await signingIn(context);
        };

        var signingOut = events.OnSigningOut;
        events.OnSigningOut = async context =>
        {
            // The principal the request was authenticated with; none when the cookie was just refused.
            var current = context.HttpContext.User;
            if (current.FindFirst(SessionClaims.SessionId)?.Value is { } sessionId && SubjectOf(current) is { } userId)
            {
                await context.HttpContext.RequestServices.GetRequiredService<ProviderSessions>()
                    .EndAsync(userId, sessionId, "signed out", context.HttpContext.RequestAborted);
            }

            await signingOut(context);
        };
    }

    private static async Task StartAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || SubjectOf(context.Principal) is not { } userId
            || identity.HasClaim(c => c.Type == SessionClaims.SessionId))
        {
            return;
        }

        var http = context.HttpContext;
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var authenticatedAt = long.TryParse(identity.FindFirst(SessionPrincipalFactory.AuthenticationTimeClaim)?.Value,
            NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : time.GetUtcNow();
        var sessionId = await http.RequestServices.GetRequiredService<ProviderSessions>().StartOrContinueAsync(
            userId,
            SubjectOf(http.User),
            http.User.FindFirst(SessionClaims.SessionId)?.Value,
            authenticatedAt,
            http.Connection.RemoteIpAddress?.ToString(),
            http.Request.Headers.UserAgent.ToString(),
            http.RequestAborted);
        identity.AddClaim(new Claim(SessionClaims.SessionId, sessionId));
    }

    private static string? SubjectOf(ClaimsPrincipal? principal) => principal?.FindFirst(OpenIddictConstants.Claims.Subject)?.Value;
}
