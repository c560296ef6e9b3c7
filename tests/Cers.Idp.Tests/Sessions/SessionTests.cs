using System.Net;
using AngleSharp.Html.Parser;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.MyAccount;
using Cers.Idp.Sessions;
using Cers.Idp.SignIn;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Sessions;

/// <summary>
/// Server-side sessions over HTTP against the shared provider: <c>sid</c> in ID tokens, the Sessions page, ending one
/// session or all of them (by the person, by an admin, by a reset, disable or factor reset), and what each ending does
/// to the session's cookie and to the refresh tokens issued in it.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class SessionTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";
    private const string LinuxChromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36";
    private const string WindowsEdge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0";

    [Fact]
    public async Task The_ID_token_carries_the_session_id_and_a_refreshed_one_keeps_it()
    {
        var user = await idp.CreateUserAsync(Password);
        var (_, tokens) = await SignInWithTokensAsync(user, LinuxChromium);

        var sid = new JsonWebToken(tokens.IdentityToken).GetClaim("sid").Value;
        var session = await QueryAsync(db => db.ProviderSessions.Include(s => s.Authorizations).SingleAsync(s => s.UserId == user.Id));
        sid.ShouldBe(session.Id);
        session.Browser.ShouldBe("Chromium on Linux");
        session.Authorizations.Select(a => a.ClientId).ShouldBe([IdpFactory.PortalClientId]);

        using var backChannel = idp.CreateBackChannel();
        var refreshed = await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        new JsonWebToken(refreshed.IdentityToken).GetClaim("sid").Value.ShouldBe(sid);

        // And the rotated refresh token still belongs to the session: it works, and stops working once the session ends.
        var again = await BrowserSignIn.RefreshAsync(backChannel, refreshed.RefreshToken!);
        again.IsError.ShouldBeFalse(again.Error);
        await EndSessionAsync(user.Id, sid);
        (await BrowserSignIn.RefreshAsync(backChannel, again.RefreshToken!)).Error.ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task The_Sessions_page_lists_each_browser_and_marks_this_one()
    {
        var user = await idp.CreateUserAsync(Password);
        var (linux, _) = await SignInWithTokensAsync(user, LinuxChromium);
        using var windows = await SignedInBrowserAsync(user, WindowsEdge);

        var rows = await SessionRowsAsync(linux);
        rows.Count.ShouldBe(2);
        var current = rows.Single(r => r.GetAttribute("data-current") == "true");
        current.TextContent.ShouldContain("Chromium on Linux");
        current.TextContent.ShouldContain("(this browser)");
        current.TextContent.ShouldContain("CERS Business Portal");
        current.TextContent.ShouldContain("127.0.0.1");
        rows.Single(r => r.GetAttribute("data-current") == "false").TextContent.ShouldContain("Edge on Windows");

        // Another person sees only their own.
        var other = await idp.CreateUserAsync(Password);
        using var theirs = await SignedInBrowserAsync(other, WindowsEdge);
        (await SessionRowsAsync(theirs)).Count.ShouldBe(1);
        linux.Dispose();
    }

    [Fact]
    public async Task Signing_out_one_session_refuses_its_cookie_and_its_refresh_token_and_leaves_the_others()
    {
        var user = await idp.CreateUserAsync(Password);
        var (ended, tokens) = await SignInWithTokensAsync(user, LinuxChromium);
        var (kept, keptTokens) = await SignInWithTokensAsync(user, WindowsEdge);
        var endedId = new JsonWebToken(tokens.IdentityToken).GetClaim("sid").Value;

        var page = await kept.GetAsync("/Account/Manage/Sessions");
        var signedOut = await SubmitAsync(kept, page, $"form[action*='handler=End']:has(input[value='{endedId}'])");
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await kept.GetAsync(signedOut.Headers.Location!);
        (await after.Content.ReadAsStringAsync()).ShouldContain(Pages.Account.Manage.Sessions.IndexModel.EndedMessage);

        await AssertSignedOutAsync(ended);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");

        (await kept.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.RefreshAsync(backChannel, keptTokens.RefreshToken!)).IsError.ShouldBeFalse();
        (await AuditKindsAsync(user.Id)).ShouldContain(AuditKinds.SessionEnded);
        ended.Dispose();
        kept.Dispose();
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_this_one_included()
    {
        var user = await idp.CreateUserAsync(Password);
        var (here, hereTokens) = await SignInWithTokensAsync(user, LinuxChromium);
        var (there, thereTokens) = await SignInWithTokensAsync(user, WindowsEdge);

        var everywhere = await SubmitAsync(here, await here.GetAsync("/Account/Manage/Sessions"), "form[action*='handler=EndAll']");
        everywhere.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await AssertSignedOutAsync(here);
        await AssertSignedOutAsync(there);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, hereTokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        (await BrowserSignIn.RefreshAsync(backChannel, thereTokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        (await QueryAsync(db => db.ProviderSessions.CountAsync(s => s.UserId == user.Id))).ShouldBe(0);
        (await AuditKindsAsync(user.Id)).ShouldContain(AuditKinds.SessionsEnded);
        here.Dispose();
        there.Dispose();
    }

    [Fact]
    public async Task One_person_cannot_sign_out_another_persons_session_by_its_id()
    {
        var victim = await idp.CreateUserAsync(Password);
        var (victimBrowser, victimTokens) = await SignInWithTokensAsync(victim, LinuxChromium);
        var victimSession = new JsonWebToken(victimTokens.IdentityToken).GetClaim("sid").Value;

        var attacker = await idp.CreateUserAsync(Password);
        using var attackerBrowser = await SignedInBrowserAsync(attacker, WindowsEdge);
        var page = await attackerBrowser.GetAsync("/Account/Manage/Sessions");
        var form = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.BaseAddress, "/Account/Manage/Sessions"), "form[action*='handler=End']");
        form.Fields["sessionId"] = victimSession;
        var answer = await attackerBrowser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await attackerBrowser.GetAsync(answer.Headers.Location!)).Content.ReadAsStringAsync())
            .ShouldContain(Pages.Account.Manage.Sessions.IndexModel.NotFoundMessage);

        (await victimBrowser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, victimTokens.RefreshToken!)).IsError.ShouldBeFalse();
        (await QueryAsync(db => db.ProviderSessions.AnyAsync(s => s.Id == victimSession))).ShouldBeTrue();

        // Nor with a made-up or oversized id: answered the same way, never a 500.
        foreach (var madeUp in new[] { "", new string('x', 5000), "' or 1=1 --" })
        {
            form.Fields["sessionId"] = madeUp;
            var odd = await attackerBrowser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
            odd.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            (await (await attackerBrowser.GetAsync(odd.Headers.Location!)).Content.ReadAsStringAsync())
                .ShouldContain(Pages.Account.Manage.Sessions.IndexModel.NotFoundMessage);
        }

        // Nor without the page's anti-forgery token.
        var forged = await attackerBrowser.PostAsync("/Account/Manage/Sessions?handler=EndAll", new FormUrlEncodedContent([]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await attackerBrowser.GetAsync("/Account/Manage")).StatusCode.ShouldBe(HttpStatusCode.OK);
        victimBrowser.Dispose();
    }

    [Fact]
    public async Task A_CERS_admin_ends_an_accounts_sessions_and_the_audit_names_the_admin()
    {
        var user = await idp.CreateUserAsync(Password);
        var (browser, tokens) = await SignInWithTokensAsync(user, LinuxChromium);

        using var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", "help desk sample password 1");
        var found = await admin.GetAsync($"/Admin/Accounts?Search={user.UserName}");
        (await found.Content.ReadAsStringAsync()).ShouldContain("End sessions (1)");
        var ended = await SubmitAsync(admin, found, "form[action*='handler=EndSessions']");
        (await ended.Content.ReadAsStringAsync()).ShouldContain("1 sessions of the account are ended");

        await AssertSignedOutAsync(browser);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        var detail = await QueryAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id && a.Kind == AuditKinds.SessionsEnded).Select(a => a.Detail).SingleAsync());
        detail.ShouldBe("1 sessions, by cersadmin1");

        // Still an ordinary account afterwards: it signs in again.
        using var again = await SignedInBrowserAsync(user, LinuxChromium);
        browser.Dispose();
    }

    public static TheoryData<string> AccountWideEnds() => ["password reset", "disable", "factor reset", "password change elsewhere"];

    [Theory]
    [MemberData(nameof(AccountWideEnds))]
    public async Task A_password_reset_a_disable_and_a_factor_reset_end_every_session_at_its_next_request(string how)
    {
        var user = await idp.CreateUserAsync(Password);
        var (browser, tokens) = await SignInWithTokensAsync(user, LinuxChromium);
        var (other, _) = await SignInWithTokensAsync(user, WindowsEdge);
        var otherSession = await CurrentSessionIdAsync(user.Id, WindowsEdge);

        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var users = services.GetRequiredService<UserManager<CersUser>>();
            var account = (await users.FindByIdAsync(user.Id))!;
            switch (how)
            {
                case "password reset":
                    var token = await users.GeneratePasswordResetTokenAsync(account);
                    (await services.GetRequiredService<AccountRecovery>().ResetAsync(user.Id, token, "another long enough password", default))
                        .Outcome.ShouldBe(PasswordResetOutcome.Reset);
                    break;
                case "disable":
                    (await services.GetRequiredService<AccountAdministration>().DisableAsync(user.Id, "cersadmin1", default)).ShouldBeTrue();
                    break;
                case "factor reset":
                    (await services.GetRequiredService<AccountAdministration>().ResetSignInFactorsAsync(user.Id, "cersadmin1", default)).ShouldBeTrue();
                    break;
                default:
                    (await services.GetRequiredService<PasswordChange>().ChangeAsync(account, Password, "another long enough password", otherSession, default))
                        .Outcome.ShouldBe(PasswordChangeOutcome.Changed);
                    break;
            }
        }

        // At once, not at the next security-stamp check a minute later: the session row is gone.
        await AssertSignedOutAsync(browser);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        var left = await QueryAsync(db => db.ProviderSessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToListAsync());
        left.ShouldBe(how == "password change elsewhere" ? [otherSession] : []);

        // And the portal, which received tokens in both sessions, is told of each one that ended.
        var endedSession = new JsonWebToken(tokens.IdentityToken).GetClaim("sid").Value;
        new JsonWebToken(await idp.PortalLogouts.WaitForAsync(t => SessionOf(t) == endedSession)).Subject.ShouldBe(user.Id);
        if (how != "password change elsewhere")
        {
            await idp.PortalLogouts.WaitForAsync(t => SessionOf(t) == otherSession);
        }
        else
        {
            (await QueryAsync(db => db.LogoutNotifications.AnyAsync(n => n.SessionId == otherSession))).ShouldBeFalse();
        }

        browser.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Signing_out_at_the_provider_ends_the_session_and_its_refresh_tokens()
    {
        var user = await idp.CreateUserAsync(Password);
        var (browser, tokens) = await SignInWithTokensAsync(user, LinuxChromium);

        // RP-initiated logout with the ID token as hint signs out at once (see ConnectEndpoints.EndSessionPrompt).
        var logout = await browser.GetAsync($"/connect/endsession?id_token_hint={tokens.IdentityToken}&post_logout_redirect_uri={Uri.EscapeDataString(IdpFactory.PortalPostLogoutRedirectUri)}");
        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await QueryAsync(db => db.ProviderSessions.CountAsync(s => s.UserId == user.Id))).ShouldBe(0);
        using var backChannel = idp.CreateBackChannel();
        (await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
        browser.Dispose();
    }

    [Fact]
    public async Task Discovery_says_back_channel_logout_is_supported_with_the_session_id()
    {
        using var backChannel = idp.CreateBackChannel();
        using var discovery = System.Text.Json.JsonDocument.Parse(await backChannel.GetStringAsync("/.well-known/openid-configuration"));
        discovery.RootElement.GetProperty("backchannel_logout_supported").GetBoolean().ShouldBeTrue();
        discovery.RootElement.GetProperty("backchannel_logout_session_supported").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_session_that_ends_sends_its_relying_party_a_logout_token_as_the_specification_says()
    {
        var user = await idp.CreateUserAsync(Password);
        var (browser, tokens) = await SignInWithTokensAsync(user, LinuxChromium);
        var sid = new JsonWebToken(tokens.IdentityToken).GetClaim("sid").Value;

        var before = DateTimeOffset.UtcNow;
        await EndSessionAsync(user.Id, sid);
        var token = await idp.PortalLogouts.WaitForAsync(t => SessionOf(t) == sid);

        // Section 2.4, checked against the provider's own discovery document and JWKS as a relying party checks it.
        using var backChannel = idp.CreateBackChannel();
        var discovery = await backChannel.GetStringAsync("/.well-known/openid-configuration");
        var issuer = System.Text.Json.JsonDocument.Parse(discovery).RootElement.GetProperty("issuer").GetString();
        var keys = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await backChannel.GetStringAsync("/.well-known/jwks")).GetSigningKeys();
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = IdpFactory.PortalClientId,
            IssuerSigningKeys = keys,
            ValidTypes = ["logout+jwt"],
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
        var jwt = new JsonWebToken(token);
        jwt.Typ.ShouldBe("logout+jwt");
        jwt.Subject.ShouldBe(user.Id);
        jwt.GetClaim("sid").Value.ShouldBe(sid);
        jwt.Id.ShouldNotBeNullOrEmpty();
        jwt.TryGetClaim("nonce", out _).ShouldBeFalse();
        jwt.IssuedAt.ShouldBeGreaterThanOrEqualTo(before.UtcDateTime.AddSeconds(-1));
        jwt.ValidTo.ShouldBeGreaterThan(jwt.IssuedAt);
        using var events = System.Text.Json.JsonDocument.Parse(jwt.GetPayloadValue<System.Text.Json.JsonElement>("events").GetRawText());
        events.RootElement.GetProperty("http://schemas.openid.net/event/backchannel-logout").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);

        // Recorded as delivered, once.
        var deliveries = await idp.WaitForLogoutsAsync(n => n.SessionId == sid);
        deliveries.ShouldHaveSingleItem().ClientId.ShouldBe(IdpFactory.PortalClientId);
        browser.Dispose();
    }

    [Fact]
    public async Task A_relying_party_that_fails_is_sent_a_fresh_token_again_until_it_answers_200_and_a_redirect_is_not_followed()
    {
        var user = await idp.CreateUserAsync(Password);
        var (browser, tokens) = await SignInWithTokensAsync(user, LinuxChromium);
        var sid = new JsonWebToken(tokens.IdentityToken).GetClaim("sid").Value;
        var receiver = idp.PortalLogouts;
        try
        {
            receiver.Answer = HttpStatusCode.ServiceUnavailable;
            await EndSessionAsync(user.Id, sid);
            var first = await receiver.WaitForAsync(t => SessionOf(t) == sid);
            receiver.Answer = HttpStatusCode.TemporaryRedirect;
            var second = await receiver.WaitForAsync(t => SessionOf(t) == sid && t != first);
            var pending = await QueryAsync(db => db.LogoutNotifications.AsNoTracking().SingleAsync(n => n.SessionId == sid));
            pending.DeliveredAt.ShouldBeNull();
            receiver.Answer = HttpStatusCode.OK;
            var delivered = (await idp.WaitForLogoutsAsync(n => n.SessionId == sid)).ShouldHaveSingleItem();

            delivered.Attempts.ShouldBeGreaterThanOrEqualTo(3);
            var sent = receiver.Tokens.Where(t => SessionOf(t) == sid).Select(t => new JsonWebToken(t).Id).ToList();
            sent.Count.ShouldBe(delivered.Attempts);
            sent.Distinct().Count().ShouldBe(sent.Count);
            receiver.Tokens.Count(t => t.Length == 0).ShouldBe(0);
        }
        finally
        {
            receiver.Answer = HttpStatusCode.OK;
            browser.Dispose();
        }
    }

    [Theory]
    [InlineData(null, "Unknown browser")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData(WindowsEdge, "Edge on Windows")]
    public void A_user_agent_is_described_in_words(string? userAgent, string expected) =>
        BrowserDescription.Describe(userAgent).ShouldBe(expected);

    private async Task<(HttpClient Browser, TokenResponse Tokens)> SignInWithTokensAsync(CersUser user, string userAgent)
    {
        var browser = idp.CreateBrowser();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        var code = await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        using var backChannel = idp.CreateBackChannel();
        return (browser, await BrowserSignIn.RedeemAsync(backChannel, code));
    }

    private async Task<HttpClient> SignedInBrowserAsync(CersUser user, string userAgent)
    {
        var browser = idp.CreateBrowser();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    private static async Task<List<AngleSharp.Dom.IElement>> SessionRowsAsync(HttpClient browser)
    {
        var page = await browser.GetAsync("/Account/Manage/Sessions");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        return [.. document.QuerySelectorAll("tr[data-testid='session']")];
    }

    private async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, HttpResponseMessage page, string selector)
    {
        var form = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.BaseAddress, page.RequestMessage!.RequestUri!.PathAndQuery), selector);
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>The browser's cookie no longer opens My Account: it is sent to sign in.</summary>
    private static async Task AssertSignedOutAsync(HttpClient browser)
    {
        var response = await browser.GetAsync("/Account/Manage");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    private async Task EndSessionAsync(string userId, string sessionId)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<ProviderSessions>().EndAsync(userId, sessionId, "test", default)).ShouldBeTrue();
    }

    private Task<string> CurrentSessionIdAsync(string userId, string userAgent) =>
        QueryAsync(db => db.ProviderSessions.Where(s => s.UserId == userId && s.Browser == BrowserDescription.Describe(userAgent)).Select(s => s.Id).SingleAsync());

    private Task<List<string>> AuditKindsAsync(string userId) =>
        QueryAsync(db => db.AuditEvents.Where(a => a.SubjectId == userId).Select(a => a.Kind).ToListAsync());

    private static string? SessionOf(string logoutToken) =>
        new JsonWebToken(logoutToken).TryGetClaim("sid", out var sid) ? sid.Value : null;

    private async Task<T> QueryAsync<T>(Func<IdpDbContext, Task<T>> query)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IdpDbContext>());
    }
}
