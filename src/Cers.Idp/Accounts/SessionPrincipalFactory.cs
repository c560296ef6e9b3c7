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
public sealed class SessionPrincipalFactory(UserManager<CersUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<CersUser>(users, options)
{
    protected override Task<ClaimsIdentity> GenerateClaimsAsync(CersUser user)
    {
        var types = Options.ClaimsIdentity;
        var identity = new ClaimsIdentity(IdentityConstants.ApplicationScheme, types.UserNameClaimType, types.RoleClaimType);
        identity.AddClaim(new Claim(types.UserIdClaimType, user.Id));
        identity.AddClaim(new Claim(types.UserNameClaimType, user.UserName ?? ""));
        if (UserManager.SupportsUserSecurityStamp && user.SecurityStamp is { Length: > 0 } stamp)
        {
            identity.AddClaim(new Claim(types.SecurityStampClaimType, stamp));
        }

        return Task.FromResult(identity);
    }
}
