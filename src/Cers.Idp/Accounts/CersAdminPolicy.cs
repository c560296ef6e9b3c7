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

        if (await users.IsCersAdminAsync(user) && Mfa.SecondFactors.IsMultiFactor(context.User))
        {
            context.Succeed(requirement);
        }
    }
}

public static class CersAdminSecondFactor
{
    /// <summary>Whether the account holds <c>role=cers-admin</c>, read from the account itself (never from a cookie).</summary>
    public static async Task<bool> IsCersAdminAsync(this UserManager<CersUser> users, CersUser user) =>
        (await users.GetClaimsAsync(user)).Any(c => c.Type == CersClaims.Role && c.Value == CersRoles.CersAdmin);

    /// <summary>
    /// The jobs dashboard answers a refused caller with a bare 403. A CERS admin whose session has no second factor yet
    /// is sent instead where the admin pages send them (<c>/Account/AccessDenied</c>, which leads on to proving or
    /// enrolling one) and comes back afterwards; everyone else gets the dashboard's own answer.
    /// </summary>
    public static IApplicationBuilder UseSecondFactorBeforeDashboard(this IApplicationBuilder app, PathString dashboard) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments(dashboard)
                && context.User.Identity?.IsAuthenticated == true && !Mfa.SecondFactors.IsMultiFactor(context.User))
            {
                var users = context.RequestServices.GetRequiredService<UserManager<CersUser>>();
                if (await users.GetUserAsync(context.User) is { Status: AccountStatus.Active } user
                    && await users.IsCersAdminAsync(user))
                {
                    context.Response.Redirect("/Account/AccessDenied" + QueryString.Create("returnUrl", context.Request.PathBase + context.Request.Path + context.Request.QueryString));
                    return;
                }
            }

            await next(context);
        });
}
