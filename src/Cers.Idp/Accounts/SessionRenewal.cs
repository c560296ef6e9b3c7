using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

/// <summary>
/// Re-issues the current browser's session after a change that renewed the account's security stamp (a
/// password change): every other session ends at its next stamp check, this one carries on. The new
/// session keeps what the old one said about the sign-in itself, when it happened (<c>auth_time</c>) and
/// how (<c>amr</c>), so <c>max_age</c> and a relying party's demand for a second factor are still judged
/// against the real sign-in, not against the change.
/// </summary>
public sealed class SessionRenewal(SignInManager<CersUser> signIn)
{
    public async Task RenewAsync(HttpContext http, CersUser user)
    {
        var current = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var principal = await signIn.CreateUserPrincipalAsync(user);
        if (current.Principal is { } old && principal.Identity is ClaimsIdentity identity)
        {
            foreach (var carried in new[] { SessionPrincipalFactory.AuthenticationTimeClaim, Cers.Contracts.CersAuthenticationMethods.ClaimType, Sessions.SessionClaims.SessionId })
            {
                if (!old.HasClaim(c => c.Type == carried))
                {
                    continue;
                }

                foreach (var fresh in identity.FindAll(carried).ToList())
                {
                    identity.RemoveClaim(fresh);
                }

                foreach (var claim in old.FindAll(carried))
                {
                    identity.AddClaim(new Claim(claim.Type, claim.Value, claim.ValueType));
                }
            }
        }

        await http.SignInAsync(IdentityConstants.ApplicationScheme, principal, current.Properties ?? new AuthenticationProperties());
    }
}
