using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.MyAccount;

/// <summary>
/// My Account in a real browser: reached from the portal's header, every page scanned with axe-core, the
/// profile saved, and the email change confirmed from the link the new address receives.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed partial class MyAccountBrowserTests(WalkthroughFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task A_business_user_opens_My_Account_from_the_portal_edits_the_profile_and_moves_to_a_new_address()
    {
        var steps = new WalkthroughSteps("5-my-account", output);
        var account = await fixture.CreateAccountAsync("Mina", UniqueNames.Word());
        var page = await fixture.NewPersonAsync();
        var main = page.Locator("main");
        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, account);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Business Portal" }).GetByRole(AriaRole.Link, new() { Name = "My Account" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.Idp.BaseAddress.ToString()) + "Account/Manage"));
        await Expect(main).ToContainTextAsync(account.UserName);
        await steps.RecordAsync(page, "profile");

        await page.GetByLabel("Title (optional)", new() { Exact = true }).FillAsync("Hazardous materials coordinator");
        await main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your profile was saved");
        await steps.RecordAsync(page, "profile-saved");

        foreach (var (link, step) in new[] { ("Password", "password"), ("Protection phrase", "phrase"), ("Sessions", "sessions"), ("Security activity", "activity") })
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "My Account" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await steps.RecordAsync(page, step);
        }

        await Expect(main.Locator("tbody tr[data-kind='signed-in']")).Not.ToHaveCountAsync(0);

        // The Sessions page (scanned above) listed this browser's session, marked as this one, with the portal in it.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "My Account" }).GetByRole(AriaRole.Link, new() { Name = "Sessions", Exact = true }).ClickAsync();
        await Expect(main.Locator("tbody tr[data-current='true']")).ToHaveCountAsync(1);
        await Expect(main.Locator("tbody tr[data-current='true']")).ToContainTextAsync("on Linux");
        await Expect(main.Locator("tbody tr[data-current='true']")).ToContainTextAsync("CERS Business Portal");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "My Account" }).GetByRole(AriaRole.Link, new() { Name = "Security activity", Exact = true }).ClickAsync();
        await Expect(main.Locator("tbody tr").First).ToContainTextAsync("Profile changed");

        var newAddress = $"{account.UserName}.new@example.org";
        await page.GetByRole(AriaRole.Navigation, new() { Name = "My Account" }).GetByRole(AriaRole.Link, new() { Name = "Email address" }).ClickAsync();
        await page.GetByLabel("New email address", new() { Exact = true }).FillAsync(newAddress);
        await page.GetByLabel("Confirm new email address", new() { Exact = true }).FillAsync(newAddress);
        await page.GetByLabel("Current password", new() { Exact = true }).FillAsync(account.Password);
        await steps.RecordAsync(page, "email");
        await main.GetByRole(AriaRole.Button, new() { Name = "Send confirmation link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("We sent a link to the new address");

        var confirm = await fixture.Smtp.WaitForAsync(newAddress, "Confirm your new CERS email address");
        await page.GotoAsync(Links().Match(confirm.TextBody ?? "").Value);
        await steps.RecordAsync(page, "confirm-email");
        await main.GetByRole(AriaRole.Button, new() { Name = "Confirm new email address" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email address changed", Level = 1 })).ToBeVisibleAsync();
        await steps.RecordAsync(page, "email-changed");

        await page.GotoAsync(new Uri(fixture.Idp.BaseAddress, "/Account/Manage/EmailHistory").ToString());
        // Recorded before the check, so a failing run keeps a screenshot of what the page showed.
        await steps.RecordAsync(page, "email-history");
        await Expect(main.Locator("tbody tr[data-kind='email-change-confirm']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"https?://[^\s<>""]+/Account/ConfirmEmail[^\s<>""]*")]
    private static partial Regex Links();
}
