using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

/// <summary>
/// CERS admins (CalEPA help desk, <c>role=cers-admin</c>). The session cookie carries no roles (see
/// <see cref="SessionPrincipalFactory"/>), so the role is read from the account each time: removing
/// it takes effect on the next request, not when the cookie expires. The admin pages also need a session
/// started with a second factor (<c>amr</c> holds <c>mfa</c>): <c>Mfa:RequiredRoles</c> protects the tokens such
/// an account gets, and the help desk's own tools (factor resets, disabling accounts) are worth as much.
/// </summary>
public sealed class CersAdminRequirement : IAuthorizationRequirement
{
    public const string PolicyName = CersRoles.CersAdmin;
}

public sealed class CersAdminHandler(UserManager<CersUser> users) : AuthorizationHandler<CersAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CersAdminRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true || await users.GetUserAsync(context.User) is not { Status: AccountStatus.Active } user)
        {
            return;
        }

        var claims = await users.GetClaimsAsync(user);
        if (claims.Any(c => c.Type == OpenIddict.Abstractions.OpenIddictConstants.Claims.Role && c.Value == CersRoles.CersAdmin)
            && Mfa.SecondFactors.IsMultiFactor(context.User))
        {
            context.Succeed(requirement);
        }
    }
}
