extern alias idp;

using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using IdpDbContext = idp::Cers.Idp.Data.IdpDbContext;
using LoginWithPasskeyPage = idp::Cers.Idp.Pages.Account.LoginWithPasskey.IndexModel;

namespace Cers.EndToEnd.Tests.Passkeys;

/// <summary>
/// Passkeys in Debian's Chromium with its virtual authenticator: added on My Account, then used to sign in without
/// a password after the username step, or after the password as the second step; removed, and then refused.
/// Every page on the way passes axe-core.
/// </summary>
[Collection(PasskeyBrowserCollection.Name)]
public sealed class PasskeyBrowserTests(PasskeyBrowserFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task A_passkey_added_on_My_Account_signs_in_without_a_password_after_the_username_step()
    {
        var steps = new WalkthroughSteps("passkeys-passwordless", output);
        var account = await fixture.CreateAccountAsync();
        var page = await fixture.NewPersonWithAuthenticatorAsync();

        await AddPasskeyAsync(page, account, "Work laptop", steps);
        (await fixture.SessionMethodsAsync(page)).ShouldNotContain("hwk", "a password sign-in is not a passkey one");
        await OwnerWasToldAsync(account, "passkey-added", "A passkey was added to your CERS account");

        await page.Context.ClearCookiesAsync();
        await StartPasskeySignInAsync(page, account.UserName, steps);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/Passkeys$"));
        await Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Work laptop");
        // Chromium's virtual authenticator makes credentials that cannot be backed up, and verifies the user.
        (await fixture.SessionMethodsAsync(page)).ShouldBe(["hwk", "mfa"], ignoreOrder: true);

        // And the relying party reads the same in the ID token.
        var (amr, acr) = await fixture.IdTokenMethodsAsync(page);
        amr.ShouldBe(["hwk", "mfa"], ignoreOrder: true);
        acr.ShouldBe("urn:cers:acr:mfa");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_captured_passkey_answer_replayed_from_another_browser_signs_nobody_in()
    {
        var account = await fixture.CreateAccountAsync();
        var page = await fixture.NewPersonWithAuthenticatorAsync();
        await AddPasskeyAsync(page, account, "Phone", steps: null);
        await page.Context.ClearCookiesAsync();
        await StartPasskeySignInAsync(page, account.UserName, steps: null);
        var antiforgery = await page.Context.CookiesAsync();

        var answer = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync(),
            request => request.Method == "POST" && request.Url.Contains("handler=Complete", StringComparison.Ordinal));
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/Passkeys$"));

        // The same form post (challenge, answer, anti-forgery token and cookie) sent again from elsewhere.
        await using var elsewhere = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Origin.ToString() });
        await elsewhere.AddCookiesAsync(antiforgery.Select(c => new Cookie { Name = c.Name, Value = c.Value, Url = fixture.Origin.ToString() }));
        var replay = await elsewhere.APIRequest.PostAsync(answer.Url, new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            DataString = answer.PostData,
            MaxRedirects = 0,
        });

        replay.Status.ShouldBe(200);
        (await replay.TextAsync()).ShouldContain(LoginWithPasskeyPage.FailureMessage);
        (await elsewhere.CookiesAsync([fixture.Origin.ToString()])).ShouldNotContain(c => c.Name == "cers.idp.session");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_passkey_is_the_second_step_after_a_password()
    {
        var steps = new WalkthroughSteps("passkeys-second-step", output);
        var account = await fixture.CreateAccountAsync();
        var page = await fixture.NewPersonWithAuthenticatorAsync();
        await AddPasskeyAsync(page, account, "Security key", steps);
        await page.Context.ClearCookiesAsync();

        // The password step of an account with a passkey starts no session: it leads to the passkey step.
        await page.GotoAsync("/Account/Login?returnUrl=%2FAccount%2FManage%2FPasskeys");
        await page.GetByLabel("Username").FillAsync(account.UserName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign In", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWithPasskey"));
        (await fixture.HasSessionAsync(page)).ShouldBeFalse();
        await Expect(page.GetByText("Your password is right.")).ToBeVisibleAsync();
        await steps.RecordAsync(page, "second-step");
        (await PasskeyBrowserFixture.RequestOptionsAsync(page)).GetProperty("allowCredentials").GetArrayLength().ShouldBe(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/Passkeys$"));
        (await fixture.SessionMethodsAsync(page)).ShouldBe(["pwd", "hwk", "mfa"], ignoreOrder: true);
        var (amr, acr) = await fixture.IdTokenMethodsAsync(page);
        amr.ShouldBe(["pwd", "hwk", "mfa"], ignoreOrder: true);
        acr.ShouldBe("urn:cers:acr:mfa");
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task The_second_step_without_a_password_step_goes_back_to_sign_in()
    {
        var page = await fixture.NewPersonWithAuthenticatorAsync();
        await page.GotoAsync("/Account/LoginWithPasskey");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login$"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_removed_passkey_no_longer_signs_in()
    {
        var steps = new WalkthroughSteps("passkeys-removed", output);
        var account = await fixture.CreateAccountAsync();
        var page = await fixture.NewPersonWithAuthenticatorAsync();
        await AddPasskeyAsync(page, account, "Old phone", steps);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Old phone" }).ClickAsync();
        await Expect(page.GetByText("The passkey was removed.")).ToBeVisibleAsync();
        await Expect(page.GetByText("You have not added a passkey yet.")).ToBeVisibleAsync();
        await steps.RecordAsync(page, "removed");
        await OwnerWasToldAsync(account, "passkey-removed", "A passkey was removed from your CERS account");

        await page.Context.ClearCookiesAsync();
        await StartPasskeySignInAsync(page, account.UserName, steps: null);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(LoginWithPasskeyPage.FailureMessage);
        (await fixture.HasSessionAsync(page)).ShouldBeFalse();
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_good_passkey_typed_under_another_or_an_unknown_username_fails_alike_and_the_options_tell_nothing()
    {
        var owner = await fixture.CreateAccountAsync();
        var other = await fixture.CreateAccountAsync("Robin", "Otherperson");
        var page = await fixture.NewPersonWithAuthenticatorAsync();
        await AddPasskeyAsync(page, owner, "Desk key", steps: null);
        await page.Context.ClearCookiesAsync();

        foreach (var typed in new[] { other.UserName, "nosuch" + Guid.NewGuid().ToString("N")[..8], owner.UserName })
        {
            await StartPasskeySignInAsync(page, typed, steps: null);
            var options = await PasskeyBrowserFixture.RequestOptionsAsync(page);
            options.GetProperty("allowCredentials").GetArrayLength().ShouldBe(0, $"options for {typed}");
            options.GetProperty("rpId").GetString().ShouldBe("localhost");
            if (typed == owner.UserName)
            {
                break;
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(LoginWithPasskeyPage.FailureMessage);
            (await fixture.HasSessionAsync(page)).ShouldBeFalse();
        }

        await page.Context.CloseAsync();
    }

    /// <summary>Signs in with the password (the page asks for nothing more then: the sign-in is fresh) and adds a passkey.</summary>
    private static async Task AddPasskeyAsync(IPage page, TestAccount account, string name, WalkthroughSteps? steps)
    {
        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.SignInAsync(account.UserName, account.Password, account.ProtectionPhrase);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/Passkeys$"));
        await Expect(page.GetByText("You have not added a passkey yet.")).ToBeVisibleAsync();
        if (steps is not null)
        {
            await steps.RecordAsync(page, "my-passkeys");
        }

        await page.GetByLabel("Passkey name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        var create = page.GetByRole(AriaRole.Button, new() { Name = "Create the passkey" });
        await Expect(create).ToBeVisibleAsync();
        if (steps is not null)
        {
            await steps.RecordAsync(page, "create-passkey");
        }

        await create.ClickAsync();
        await Expect(page.GetByText($"The passkey \"{name}\" was added.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync(name);
        if (steps is not null)
        {
            await steps.RecordAsync(page, "passkey-added");
        }
    }

    private static async Task StartPasskeySignInAsync(IPage page, string userName, WalkthroughSteps? steps)
    {
        await page.GotoAsync("/Account/Login?returnUrl=%2FAccount%2FManage%2FPasskeys");
        await page.GetByLabel("Username").FillAsync(userName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWithPasskey"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" })).ToBeVisibleAsync();
        if (steps is not null)
        {
            await steps.RecordAsync(page, "sign-in-with-passkey");
        }
    }

    private async Task OwnerWasToldAsync(TestAccount account, string kind, string subject)
    {
        await using var scope = fixture.Idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var emails = await db.EmailOutbox.AsNoTracking().Where(e => e.ToAddress == account.Email && e.Kind == kind).ToListAsync();
        emails.Count.ShouldBe(1);
        emails[0].Subject.ShouldBe(subject);
        (await db.AuditEvents.AsNoTracking().CountAsync(e => e.SubjectId == account.Id && e.Kind == kind)).ShouldBe(1);
    }
}
