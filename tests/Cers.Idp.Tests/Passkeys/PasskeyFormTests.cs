using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using LoginWithPasskeyPage = Cers.Idp.Pages.Account.LoginWithPasskey.IndexModel;

namespace Cers.Idp.Tests.Passkeys;

/// <summary>
/// The passkey forms over plain HTTP, as an attacker sends them: without anti-forgery tokens, with garbage, forged,
/// oversized or replayed answers. Each gets 400 or the form's message, never a 500; failures count toward lockout;
/// and nothing in the options or the answers tells whether a username exists. (The ceremonies that succeed run in
/// the browser: Cers.EndToEnd.Tests/Passkeys.)
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class PasskeyFormTests(IdpFactory idp)
{
    private static readonly HtmlParser Parser = new();

    public static TheoryData<string> HostileCredentials() =>
    [
        "not json at all",
        "{}",
        "[]",
        "null",
        """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}""",
        """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"!!!","authenticatorData":"AAAA","signature":"AAAA"}}""",
        """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA","userHandle":"bm9ib2R5"}}""",
        new string('[', 5_000),
        new string('a', 40_000),
    ];

    [Theory]
    [InlineData("/Account/LoginWithPasskey?handler=Begin")]
    [InlineData("/Account/LoginWithPasskey?handler=Complete")]
    [InlineData("/Account/LoginWithPasskey?handler=Verify")]
    public async Task Passkey_sign_in_posts_without_an_anti_forgery_token_are_refused(string path)
    {
        using var browser = idp.CreateBrowser();
        var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = "someone1",
            ["Input.Credential"] = "{}",
            ["Input.State"] = "x",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("Begin")]
    [InlineData("Confirm")]
    [InlineData("Complete")]
    [InlineData("Rename")]
    [InlineData("Remove")]
    public async Task My_Account_passkey_posts_without_an_anti_forgery_token_are_refused(string handler)
    {
        var user = await idp.CreateUserAsync();
        using var browser = await SignedInAsync(user);
        var response = await browser.PostAsync($"/Account/Manage/Passkeys?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = "Planted",
            ["Change.Id"] = "AAAA",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Visitors_who_are_not_signed_in_are_sent_from_My_Account_passkeys_to_sign_in()
    {
        using var browser = idp.CreateBrowser();
        var response = await browser.GetAsync("/Account/Manage/Passkeys");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/Account/Login");
    }

    [Theory]
    [MemberData(nameof(HostileCredentials))]
    public async Task A_hostile_passkey_answer_gets_the_sign_in_message_and_no_session(string credential)
    {
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, form) = await BeginPasswordlessAsync(browser, user.UserName!);
        form.Fields["Input.Credential"] = credential;

        var response = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(response)).ShouldContain(LoginWithPasskeyPage.FailureMessage);
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith("cers.idp.session=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a sealed state")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_forged_or_missing_challenge_gets_the_sign_in_message(string state)
    {
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, form) = await BeginPasswordlessAsync(browser, user.UserName!);
        form.Fields["Input.State"] = state;
        form.Fields["Input.Credential"] = """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}""";

        var response = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(response)).ShouldContain(LoginWithPasskeyPage.FailureMessage);
    }

    [Fact]
    public async Task A_challenge_is_taken_back_once_and_every_failed_answer_counts_toward_lockout()
    {
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var (_, form) = await BeginPasswordlessAsync(browser, user.UserName!);
        form.Fields["Input.Credential"] = """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}""";

        // The same sealed challenge five times: refused each time, and the account locks as after five wrong passwords.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var response = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
            (await BrowserSignIn.ReadErrorsAsync(response)).ShouldContain(LoginWithPasskeyPage.FailureMessage);
        }

        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        (await users.IsLockedOutAsync((await users.FindByIdAsync(user.Id))!)).ShouldBeTrue();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.AuditEvents.CountAsync(e => e.SubjectId == user.Id && e.Kind == AuditKinds.SignInFailed && e.Detail == "passkey")).ShouldBe(4);
        (await db.AuditEvents.CountAsync(e => e.SubjectId == user.Id && e.Kind == AuditKinds.LockedOut)).ShouldBe(1);
    }

    [Fact]
    public async Task Known_and_unknown_usernames_get_the_same_passkey_options_and_the_same_failure()
    {
        var user = await idp.CreateUserAsync();
        var answers = new List<(JsonElement Options, string[] Errors)>();
        foreach (var typed in new[] { user.UserName!, "nobody" + Guid.NewGuid().ToString("N")[..8] })
        {
            using var browser = idp.CreateBrowser();
            var (page, form) = await BeginPasswordlessAsync(browser, typed);
            var options = JsonDocument.Parse(page.QuerySelector("form[data-passkey]")!.GetAttribute("data-options")!).RootElement.Clone();
            form.Fields["Input.Credential"] = "{}";
            var response = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
            answers.Add((options, await BrowserSignIn.ReadErrorsAsync(response)));
        }

        foreach (var (options, errors) in answers)
        {
            options.GetProperty("allowCredentials").GetArrayLength().ShouldBe(0);
            options.GetProperty("rpId").GetString().ShouldBe("localhost");
            errors.ShouldBe([LoginWithPasskeyPage.FailureMessage]);
        }

        Without(answers[0].Options, "challenge").ShouldBe(Without(answers[1].Options, "challenge"));
    }

    [Theory]
    [MemberData(nameof(HostileCredentials))]
    public async Task A_hostile_registration_answer_adds_no_passkey(string credential)
    {
        var user = await idp.CreateUserAsync();
        using var browser = await SignedInAsync(user);
        var page = new Uri(idp.BaseAddress, "/Account/Manage/Passkeys");
        var begin = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page, "form[action*='handler=Begin']");
        begin.Fields["Input.Name"] = "Planted key";
        var challenge = await browser.PostAsync(begin.Action, new FormUrlEncodedContent(begin.Fields));
        var complete = await BrowserSignIn.ReadFormAsync(challenge, page, "form[data-passkey]");
        complete.Fields["Input.Credential"] = credential;

        var response = await browser.PostAsync(complete.Action, new FormUrlEncodedContent(complete.Fields));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.ReadErrorsAsync(response)).ShouldNotBeEmpty();
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        (await users.GetPasskeysAsync((await users.FindByIdAsync(user.Id))!)).ShouldBeEmpty();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.EmailOutbox.CountAsync(e => e.ToAddress == user.Email && e.Kind == "passkey-added")).ShouldBe(0);
    }

    [Fact]
    public async Task Only_the_passkey_pages_may_run_the_providers_own_script()
    {
        var user = await idp.CreateUserAsync();
        using var browser = await SignedInAsync(user);

        var passkeys = await browser.GetAsync("/Account/Manage/Passkeys");
        var login = await browser.GetAsync("/Account/Login");
        var script = await browser.GetAsync("/js/passkeys.js");

        ScriptSources(passkeys).ShouldContain("'self'");
        ScriptSources(login).ShouldNotContain("'self'");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await passkeys.Content.ReadAsStringAsync()).ShouldNotContain("<script>");
    }

    private static string[] ScriptSources(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal))
            .Split(' ')[1..];

    private async Task<HttpClient> SignedInAsync(CersUser user)
    {
        var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, "a long enough test password");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    /// <summary>The sign-in page's second step, then its "Sign in with a passkey" button: the passkey page and its form.</summary>
    private async Task<(AngleSharp.Html.Dom.IHtmlDocument Page, HtmlForm Form)> BeginPasswordlessAsync(HttpClient browser, string userName)
    {
        var login = new Uri(idp.BaseAddress, "/Account/Login");
        var phraseStep = await BrowserSignIn.PostUserNameAsync(browser, login, userName);
        var button = await BrowserSignIn.ReadFormAsync(phraseStep, login, "form.passkey-sign-in");
        var response = await browser.PostAsync(button.Action, new FormUrlEncodedContent(button.Fields));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        var page = new Uri(idp.BaseAddress, "/Account/LoginWithPasskey");
        return (await Parser.ParseDocumentAsync(html), await BrowserSignIn.ReadFormAsync(new HttpResponseMessage { Content = new StringContent(html) }, page, "form[data-passkey]"));
    }

    private static string Without(JsonElement options, string property) =>
        JsonSerializer.Serialize(options.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}
