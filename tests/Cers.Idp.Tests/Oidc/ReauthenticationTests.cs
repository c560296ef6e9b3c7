using System.Net;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Oidc;

/// <summary>
/// prompt=login and max_age=0 ask for a fresh sign-in (OpenID Connect Core 3.1.2.1). A security review signed
/// people out with nothing but a link (<c>/connect/authorize?...&amp;prompt=login</c>), past the end-session
/// confirmation: the session now stays until a new sign-in succeeds.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class ReauthenticationTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Theory]
    [InlineData("&prompt=login")]
    [InlineData("&max_age=0")]
    public async Task A_link_asking_for_a_fresh_sign_in_keeps_the_session_until_the_person_signs_in_again(string ask)
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        var (_, challenge) = BrowserSignIn.NewPkce();

        var toLogin = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s1", "n1", "openid") + ask);

        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");
        (toLogin.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith("cers.idp.session=", StringComparison.Ordinal));

        // Still signed in: an ordinary request goes straight back to the client.
        var ordinary = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s2", "n2", "openid"));
        ordinary.Headers.Location!.ToString().ShouldStartWith(IdpFactory.PortalRedirectUri);
    }

    [Theory]
    [InlineData("&prompt=login")]
    [InlineData("&max_age=0")]
    public async Task After_the_fresh_sign_in_the_client_gets_its_code_with_the_new_auth_time_and_no_loop(string ask)
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        var askedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (verifier, challenge) = BrowserSignIn.NewPkce();

        var toLogin = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "fresh", "n", "openid profile") + ask);
        var loginPage = new Uri(idp.BaseAddress, toLogin.Headers.Location!.ToString());
        var code = await BrowserSignIn.FollowToCallbackAsync(browser, await BrowserSignIn.PostLoginAsync(browser, loginPage, user.UserName!, Password));

        code.State.ShouldBe("fresh");
        using var http = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, code with { CodeVerifier = verifier });
        new JsonWebToken(tokens.IdentityToken).GetPayloadValue<long>("auth_time").ShouldBeGreaterThanOrEqualTo(askedAt);
    }

    [Fact]
    public async Task A_return_trip_mark_that_is_forged_or_kept_from_another_request_does_not_count_as_a_fresh_sign_in()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        var (_, challenge) = BrowserSignIn.NewPkce();

        // A walk-up attacker at a signed-in browser edits the link to say the fresh sign-in was asked for in 1970.
        var forged = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n", "openid")
            + "&prompt=login&cers_sign_in_asked_at=0");
        forged.Headers.Location!.ToString().ShouldContain("/Account/Login");

        // A genuine mark from one request, after a fresh sign-in, does not stand for another request.
        var first = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "first", "n", "openid") + "&prompt=login");
        var loginPage = new Uri(idp.BaseAddress, first.Headers.Location!.ToString());
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(loginPage.Query)["ReturnUrl"].ToString();
        var mark = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(idp.BaseAddress, returnUrl).Query)["cers_sign_in_asked_at"].ToString();
        mark.ShouldNotBeNullOrEmpty();
        await BrowserSignIn.FollowToCallbackAsync(browser, await BrowserSignIn.PostLoginAsync(browser, loginPage, user.UserName!, Password));

        var reused = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "second", "n", "openid")
            + "&prompt=login&cers_sign_in_asked_at=" + Uri.EscapeDataString(mark));
        reused.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }
}
