using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Accounts;

/// <summary>
/// What the provider's own session cookie carries: who the user is and the security stamp that
/// lets a password change end other sessions. Roles, the agency code and profile claims are read
/// from the database when tokens are issued (see <c>ConnectEndpoints</c>), so the cookie does not
/// need them; leaving them out saves the role and claim queries Identity's default factory runs on
/// every sign-in and keeps the cookie small.
/// </summary>
public sealed class SessionPrincipalFactory(UserManager<CersUser> users, IOptions<IdentityOptions> options, TimeProvider time)
    : UserClaimsPrincipalFactory<CersUser>(users, options)
{
    /// <summary>
    /// When the user last proved who they are (OpenID Connect Core section 2, <c>auth_time</c>): set at
    /// sign-in and carried over unchanged when the cookie is refreshed, so <c>max_age</c> is judged
    /// against the sign-in, not against the last sliding renewal.
    /// </summary>
    public const string AuthenticationTimeClaim = "auth_time";

    protected override Task<ClaimsIdentity> GenerateClaimsAsync(CersUser user)
    {
        var types = Options.ClaimsIdentity;
        var identity = new ClaimsIdentity(IdentityConstants.ApplicationScheme, types.UserNameClaimType, types.RoleClaimType);
        identity.AddClaim(new Claim(types.UserIdClaimType, user.Id));
        identity.AddClaim(new Claim(types.UserNameClaimType, user.UserName ?? ""));
        identity.AddClaim(new Claim(AuthenticationTimeClaim,
            time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        if (UserManager.SupportsUserSecurityStamp && user.SecurityStamp is { Length: > 0 } stamp)
        {
            identity.AddClaim(new Claim(types.SecurityStampClaimType, stamp));
        }

        return Task.FromResult(identity);
    }

    /// <summary>
    /// Whether the session began (the <c>auth_time</c> of its sign-in) more than <paramref name="lifetime"/> ago; a
    /// session without one (from before it was recorded) has no start to count from and counts as outlived.
    /// </summary>
    public static bool HasOutlived(ClaimsPrincipal? principal, TimeSpan lifetime, DateTimeOffset now) =>
        principal?.FindFirst(AuthenticationTimeClaim)?.Value is not { } value
        || !long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        || now - DateTimeOffset.FromUnixTimeSeconds(seconds) > lifetime;

    /// <summary>Keeps the original <c>auth_time</c>, <c>amr</c> and session id when the security-stamp check rebuilds the session principal.</summary>
    public static Task KeepAuthenticationTime(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(AuthenticationTimeClaim) is { } original
            && context.NewPrincipal?.Identity is ClaimsIdentity identity)
        {
            if (identity.FindFirst(AuthenticationTimeClaim) is { } fresh)
            {
                identity.RemoveClaim(fresh);
            }

            identity.AddClaim(new Claim(AuthenticationTimeClaim, original.Value, ClaimValueTypes.Integer64));
        }

        // The server-side session the cookie belongs to: without it the rebuilt cookie would be refused (see SessionCookieEvents).
        if (context.CurrentPrincipal?.FindFirst(Sessions.SessionClaims.SessionId) is { } session
            && context.NewPrincipal?.Identity is ClaimsIdentity rebuilt && !rebuilt.HasClaim(c => c.Type == session.Type))
        {
            rebuilt.AddClaim(new Claim(session.Type, session.Value));
        }

        // The methods the session was started with (amr) are facts about that sign-in, like its time.
        if (context.CurrentPrincipal is { } current && context.NewPrincipal?.Identity is ClaimsIdentity renewed)
        {
            foreach (var method in current.FindAll(CersAuthenticationMethods.ClaimType))
            {
                if (!renewed.HasClaim(CersAuthenticationMethods.ClaimType, method.Value))
                {
                    renewed.AddClaim(new Claim(CersAuthenticationMethods.ClaimType, method.Value));
                }
            }
        }

        return Task.CompletedTask;
    }
}
