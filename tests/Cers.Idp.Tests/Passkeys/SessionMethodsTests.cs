using System.Security.Claims;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Tests.Passkeys;

/// <summary>The session's account of how its person signed in survives the minutely security-stamp check.</summary>
public sealed class SessionMethodsTests
{
    [Fact]
    public async Task A_passkey_session_keeps_its_sign_in_time_and_methods_when_the_stamp_check_rebuilds_it()
    {
        var signedIn = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", "u1"),
            new Claim(SessionPrincipalFactory.AuthenticationTimeClaim, "1700000000", ClaimValueTypes.Integer64),
            new Claim("amr", "hwk"),
            new Claim("amr", "mfa"),
        ], IdentityConstants.ApplicationScheme));
        var rebuilt = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", "u1"),
            new Claim(SessionPrincipalFactory.AuthenticationTimeClaim, "1800000000", ClaimValueTypes.Integer64),
        ], IdentityConstants.ApplicationScheme));

        await SessionPrincipalFactory.KeepAuthenticationTime(new SecurityStampRefreshingPrincipalContext
        {
            CurrentPrincipal = signedIn,
            NewPrincipal = rebuilt,
        });

        rebuilt.FindAll("amr").Select(c => c.Value).ShouldBe(["hwk", "mfa"]);
        rebuilt.FindAll(SessionPrincipalFactory.AuthenticationTimeClaim).Single().Value.ShouldBe("1700000000");
    }
}
