using System.Net;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Mfa;

/// <summary>
/// acr_values with max_age (OpenID Connect Core 3.1.2.1), on the provider's fake clock: a relying party asking for a
/// second factor proved within the last ten minutes gets one, however long ago the session proved it.
/// </summary>
public sealed class StepUpAgeTests
{
    private const int MaxAgeSeconds = 600;

    [Fact]
    public async Task Acr_values_mfa_with_max_age_takes_a_fresh_session_as_it_is_and_sends_an_older_one_to_prove_both_factors_again()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var (user, key) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        using var browser = idp.CreateBrowser();
        var signedInAt = idp.Clock.GetUtcNow();

        // Sign in: password, then the authenticator's code at the provider's time.
        var toLogin = await browser.GetAsync(AuthorizeUrl(idp, "s1", "n1", out var verifier1));
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");
        var code1 = await CompleteSignInAsync(idp, browser, toLogin.Headers.Location!, user.UserName!, key);
        var first = await RedeemAsync(idp, code1, verifier1);
        first.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);

        // Five minutes on, the same request is answered at once from the session.
        await idp.AdvanceAsync(TimeSpan.FromMinutes(5));
        var fresh = await browser.GetAsync(AuthorizeUrl(idp, "s2", "n2", out var verifier2));
        fresh.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var second = await RedeemAsync(idp, CodeOf(fresh.Headers.Location!), verifier2);
        AuthTimeOf(second).ShouldBe(signedInAt.ToUnixTimeSeconds());

        // Eleven minutes after the sign-in the session still has its second factor (acr_values alone is satisfied)...
        await idp.AdvanceAsync(TimeSpan.FromMinutes(6));
        var withoutMaxAge = await browser.GetAsync(AuthorizeUrl(idp, "s3", "n3", out _, maxAge: null));
        withoutMaxAge.Headers.Location!.ToString().ShouldStartWith(IdpFactory.PortalRedirectUri);

        // ...but it proved it too long ago for max_age: no code; both factors again, and then a code saying so.
        var stale = await browser.GetAsync(AuthorizeUrl(idp, "s4", "n4", out var verifier4));
        stale.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        stale.Headers.Location!.ToString().ShouldContain("/Account/Login");
        stale.Headers.Location!.ToString().ShouldNotStartWith(IdpFactory.PortalRedirectUri);
        var code4 = await CompleteSignInAsync(idp, browser, stale.Headers.Location!, user.UserName!, key);
        var renewed = await RedeemAsync(idp, code4, verifier4);
        AuthTimeOf(renewed).ShouldBe(idp.Clock.GetUtcNow().ToUnixTimeSeconds());
        renewed.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);
        renewed.Claims.Where(c => c.Type == "amr").Select(c => c.Value).ShouldBe(["pwd", "otp", "mfa"], ignoreOrder: true);
    }

    [Fact]
    public async Task With_prompt_none_a_stale_second_factor_is_login_required_not_a_code()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var (user, key) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        using var browser = idp.CreateBrowser();
        var toLogin = await browser.GetAsync(AuthorizeUrl(idp, "s1", "n1", out _));
        await CompleteSignInAsync(idp, browser, toLogin.Headers.Location!, user.UserName!, key);

        await idp.AdvanceAsync(TimeSpan.FromMinutes(11));
        var silent = await browser.GetAsync(AuthorizeUrl(idp, "s2", "n2", out _) + "&prompt=none");

        silent.Headers.Location!.ToString().ShouldStartWith(IdpFactory.PortalRedirectUri);
        var query = QueryHelpers.ParseQuery(silent.Headers.Location!.Query);
        query["error"].ToString().ShouldBe("login_required");
        query.ContainsKey("code").ShouldBeFalse();
    }

    private static string AuthorizeUrl(IsolatedIdp idp, string state, string nonce, out string verifier, int? maxAge = MaxAgeSeconds)
    {
        (verifier, var challenge) = BrowserSignIn.NewPkce();
        return BrowserSignIn.AuthorizeUrl(idp.Host.BaseAddress, challenge, state, nonce)
            + "&acr_values=" + Uri.EscapeDataString(CersAuthenticationLevels.MultiFactor)
            + (maxAge is { } seconds ? $"&max_age={seconds}" : "");
    }

    /// <summary>The two sign-in steps and the authenticator page, with the code of the provider's current time step.</summary>
    private static async Task<string> CompleteSignInAsync(IsolatedIdp idp, HttpClient browser, Uri login, string userName, string key)
    {
        var afterPassword = await BrowserSignIn.PostLoginAsync(browser, login, userName, MfaTestAccounts.Password);
        afterPassword.StatusCode.ShouldBe(HttpStatusCode.Redirect, await afterPassword.Content.ReadAsStringAsync());
        var secondStep = new Uri(idp.Host.BaseAddress, afterPassword.Headers.Location!);
        secondStep.AbsolutePath.ShouldBe("/Account/LoginWith2fa");
        var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(secondStep), secondStep);
        form.Fields["Code"] = TestAuthenticator.CodeAt(key, TestAuthenticator.StepAt(idp.Clock.GetUtcNow()));
        var answered = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        answered.StatusCode.ShouldBe(HttpStatusCode.Redirect, await answered.Content.ReadAsStringAsync());
        var back = await browser.GetAsync(new Uri(idp.Host.BaseAddress, answered.Headers.Location!));
        back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return CodeOf(back.Headers.Location!);
    }

    private static string CodeOf(Uri callback)
    {
        callback.ToString().ShouldStartWith(IdpFactory.PortalRedirectUri);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        code.ShouldNotBeNullOrEmpty(callback.ToString());
        return code;
    }

    private static async Task<JsonWebToken> RedeemAsync(IsolatedIdp idp, string code, string verifier)
    {
        using var http = idp.Host.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, new AuthorizationResponse(code, "", "", verifier));
        return new JsonWebToken(tokens.IdentityToken);
    }

    private static long AuthTimeOf(JsonWebToken token) => token.GetPayloadValue<long>("auth_time");
}
