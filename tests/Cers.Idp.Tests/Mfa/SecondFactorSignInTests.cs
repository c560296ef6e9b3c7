using System.Net;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Mfa;

/// <summary>The second sign-in step, the MFA policy and acr_values, through the real pages and token endpoint.</summary>
[Collection(IdpCollection.Name)]
public sealed class SecondFactorSignInTests(IdpFactory idp)
{
    private const string Password = MfaTestAccounts.Password;
    private const string Scope = "openid profile email offline_access facility.read";

    [Fact]
    public async Task A_password_only_sign_in_says_pwd_and_the_password_level_in_the_id_token()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = idp.CreateBrowser();
        var tokens = await RedeemAsync(await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password));

        var id = new JsonWebToken(tokens.IdentityToken);
        AmrOf(id).ShouldBe(["pwd"]);
        id.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.Password);

        // RFC 8176 / OpenID Connect Core section 2: amr is a JSON array, even with one method.
        using var payload = System.Text.Json.JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(id.EncodedPayload));
        payload.RootElement.GetProperty("amr").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Array);
    }

    [Fact]
    public async Task A_right_password_does_not_start_a_session_for_an_account_with_an_authenticator()
    {
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        using var browser = idp.CreateBrowser();
        var login = new Uri(idp.BaseAddress, "/Account/Login");

        var afterPassword = await BrowserSignIn.PostLoginAsync(browser, login, user.UserName!, Password);
        afterPassword.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterPassword.Headers.Location!.ToString().ShouldStartWith("/Account/LoginWith2fa");

        // No session yet: an authorize request is sent to sign in.
        var (_, challenge) = BrowserSignIn.NewPkce();
        var authorize = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n"));
        authorize.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task Signing_in_with_an_authenticator_code_says_pwd_otp_mfa_and_the_mfa_level_and_refresh_keeps_them()
    {
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        using var browser = idp.CreateBrowser();
        var tokens = await RedeemAsync(await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password));

        var id = new JsonWebToken(tokens.IdentityToken);
        AmrOf(id).ShouldBe(["pwd", "otp", "mfa"], ignoreOrder: true);
        id.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);

        using var http = idp.CreateBackChannel();
        var refreshed = await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        var renewed = new JsonWebToken(refreshed.IdentityToken);
        AmrOf(renewed).ShouldBe(["pwd", "otp", "mfa"], ignoreOrder: true);
        renewed.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_as_mfa_without_otp()
    {
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        string code;
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
            code = (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(user.Id))!, 10))!.First();
        }

        var (response, recoveryPage) = await PasswordThenAsync(user, "/Account/LoginWithRecoveryCode");
        using var browser = response.Browser;
        var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(recoveryPage), recoveryPage);
        form.Fields["Code"] = code.ToLowerInvariant();
        var tokens = await RedeemAsync(await BrowserSignIn.FollowToCallbackAsync(browser,
            await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields))) with { Nonce = response.Nonce, CodeVerifier = response.Verifier });
        var id = new JsonWebToken(tokens.IdentityToken);
        AmrOf(id).ShouldBe(["pwd", "mfa"], ignoreOrder: true);
        id.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);

        var (again, againPage) = await PasswordThenAsync(user, "/Account/LoginWithRecoveryCode");
        using var second = again.Browser;
        var reuse = await BrowserSignIn.ReadFormAsync(await second.GetAsync(againPage), againPage);
        reuse.Fields["Code"] = code;
        var refused = await second.PostAsync(reuse.Action, new FormUrlEncodedContent(reuse.Fields));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(refused)).ShouldContain(Pages.Account.LoginWithRecoveryCode.IndexModel.WrongRecoveryCodeMessage);
    }

    [Fact]
    public async Task Five_wrong_second_factor_codes_lock_the_account_and_then_a_right_code_is_refused()
    {
        var (user, key) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services), idp.BaseAddress);
        var (response, page) = await PasswordThenAsync(user, "/Account/LoginWith2fa");
        using var browser = response.Browser;
        var wrong = (int.Parse(TestAuthenticator.CodeAt(key, TestAuthenticator.StepAt(DateTimeOffset.UtcNow)), System.Globalization.CultureInfo.InvariantCulture) + 500_000) % 1_000_000;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page);
            form.Fields["Code"] = wrong.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            (await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var last = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page);
        last.Fields["Code"] = await TestAuthenticator.NextCodeAsync(idp.BaseAddress, user.UserName!);
        var locked = await browser.PostAsync(last.Action, new FormUrlEncodedContent(last.Fields));
        locked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(locked)).ShouldContain(Pages.Account.LoginWith2fa.SecondStepPageModel.LockedOutMessage);
        (await idp.Services.QueryAsync(db => db.Users.SingleAsync(u => u.Id == user.Id))).LockoutEnd.ShouldNotBeNull();
        (await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.SecondFactorFailed))).ShouldBe(4);
    }

    [Fact]
    public async Task A_regulator_must_enrol_before_any_code_is_issued_and_then_signs_in_with_mfa()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services, agencyCode: "ENROL1");
        using var browser = idp.CreateBrowser();
        var (verifier, challenge) = BrowserSignIn.NewPkce();
        var toLogin = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "state1", "nonce1"));
        var afterPassword = await BrowserSignIn.PostLoginAsync(browser, toLogin.Headers.Location!, user.UserName!, Password);

        // The password leads back to authorize, which sends the account to enrol instead of issuing a code.
        var authorize = await browser.GetAsync(new Uri(idp.BaseAddress, afterPassword.Headers.Location!));
        authorize.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        authorize.Headers.Location!.ToString().ShouldStartWith("/Account/Manage/Authenticator?returnUrl=");

        // Nothing but enrolment gets a code: authorize asked again still sends there.
        var again = await browser.GetAsync(new Uri(idp.BaseAddress, afterPassword.Headers.Location!));
        again.Headers.Location!.ToString().ShouldStartWith("/Account/Manage/Authenticator");

        var recovery = new List<string>();
        var continued = await BrowserSignIn.EnrolAuthenticatorAsync(browser, new Uri(idp.BaseAddress, authorize.Headers.Location!), user.UserName!, recovery);
        recovery.Count.ShouldBe(10);
        var code = await BrowserSignIn.FollowToCallbackAsync(browser, continued, user.UserName);
        var tokens = await RedeemAsync(code with { Nonce = "nonce1", CodeVerifier = verifier });
        var id = new JsonWebToken(tokens.IdentityToken);
        AmrOf(id).ShouldContain("mfa");
        AmrOf(id).ShouldContain("otp");
        id.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);

        (await idp.Services.QueryAsync(db => db.AuditEvents.CountAsync(a => a.SubjectId == user.Id && a.Kind == AuditKinds.AuthenticatorEnrolled))).ShouldBe(1);
        await idp.Smtp.WaitForAsync(user.Email!, "Your CERS sign-in protection changed");
    }

    [Fact]
    public async Task Acr_values_mfa_sends_a_password_session_to_a_fresh_second_factor_or_to_enrol()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);

        // Without a factor, asking for mfa leads to enrolment.
        var (_, challenge) = BrowserSignIn.NewPkce();
        var mfaUrl = BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s2", "n2") + "&acr_values=" + Uri.EscapeDataString(CersAuthenticationLevels.MultiFactor);
        var toEnrol = await browser.GetAsync(mfaUrl);
        toEnrol.Headers.Location!.ToString().ShouldStartWith("/Account/Manage/Authenticator");

        // With one, the same password session must prove it, even though it is signed in.
        await MfaTestAccounts.EnrolAsync(idp.Services, user, idp.BaseAddress);
        var (verifier, challenge2) = BrowserSignIn.NewPkce();
        var stepUp = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge2, "s3", "n3")
            + "&acr_values=" + Uri.EscapeDataString(CersAuthenticationLevels.MultiFactor));
        stepUp.Headers.Location!.ToString().ShouldStartWith("/Account/LoginWith2fa");
        var code = await BrowserSignIn.FollowToCallbackAsync(browser, stepUp, user.UserName);
        var id = new JsonWebToken((await RedeemAsync(code with { Nonce = "n3", CodeVerifier = verifier })).IdentityToken);
        id.GetClaim("acr").Value.ShouldBe(CersAuthenticationLevels.MultiFactor);
        AmrOf(id).ShouldBe(["pwd", "otp", "mfa"], ignoreOrder: true);
    }

    [Fact]
    public async Task Discovery_publishes_the_acr_values_a_client_may_ask_for()
    {
        using var http = idp.CreateBackChannel();
        var disco = await http.GetDiscoveryDocumentAsync();
        disco.TryGetStringArray("acr_values_supported").ShouldBe([CersAuthenticationLevels.Password, CersAuthenticationLevels.MultiFactor], ignoreOrder: true);
    }

    private sealed record Started(HttpClient Browser, string Nonce, string Verifier);

    /// <summary>Authorize, username and password; returns the browser and the second-step page asked for.</summary>
    private async Task<(Started, Uri)> PasswordThenAsync(CersUser user, string secondStepPath)
    {
        var browser = idp.CreateBrowser();
        var (verifier, challenge) = BrowserSignIn.NewPkce();
        var toLogin = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "st", "nonce"));
        var afterPassword = await BrowserSignIn.PostLoginAsync(browser, toLogin.Headers.Location!, user.UserName!, Password);
        var location = afterPassword.Headers.Location!.ToString();
        location.ShouldStartWith("/Account/LoginWith2fa");
        var page = new Uri(idp.BaseAddress, secondStepPath + new Uri(idp.BaseAddress, location).Query);
        return (new Started(browser, "nonce", verifier), page);
    }

    private async Task<TokenResponse> RedeemAsync(AuthorizationResponse response)
    {
        using var http = idp.CreateBackChannel();
        return await BrowserSignIn.RedeemAsync(http, response);
    }

    private static string[] AmrOf(JsonWebToken token) => [.. token.Claims.Where(c => c.Type == "amr").Select(c => c.Value)];
}
