using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>The provider's two-step sign-in, as a person does it in the browser.</summary>
public static class BrowserSignIn
{
    /// <summary>
    /// On the provider's sign-in page: the username, then (once the page shows the account's protection
    /// phrase, which must be <paramref name="expectedPhrase"/>) the password. Records the phrase page.
    /// </summary>
    public static async Task SignInAsync(this IPage page, string userName, string password, string expectedPhrase,
        WalkthroughSteps? steps = null, string step = "protection-phrase")
    {
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GetByLabel("Username").FillAsync(userName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // "If you don't see your phrase, don't enter your password."
        var phrase = page.GetByTestId("protection-phrase");
        await Expect(phrase).ToBeVisibleAsync();
        await Expect(phrase).ToHaveTextAsync(expectedPhrase);
        if (steps is not null)
        {
            await steps.RecordAsync(page, step);
        }

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign In", Exact = true }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/Account/Login(\\?|$)"));
        await page.AnswerSecondFactorAsync(userName, steps);
    }

    /// <summary>
    /// Where the provider asks for a second factor (a regulator or admin, or a relying party asking for one), answers
    /// as a person with an authenticator app: enrols by reading the key the page shows (the QR code holds the same),
    /// or types the app's next code (see <see cref="TestAuthenticator"/>).
    /// </summary>
    public static async Task AnswerSecondFactorAsync(this IPage page, string userName, WalkthroughSteps? steps = null)
    {
        var at = new Uri(page.Url);
        if (at.AbsolutePath == "/Account/Manage/Authenticator")
        {
            await Expect(page.GetByTestId("qr-code").Locator("svg")).ToBeVisibleAsync();
            if (steps is not null)
            {
                await steps.RecordAsync(page, "authenticator-enrolment");
            }

            TestAuthenticator.Enrolled(at, userName, await page.GetByTestId("authenticator-key").TextContentAsync() ?? "");
            await page.GetByLabel("Code from your app").FillAsync(await TestAuthenticator.NextCodeAsync(at, userName));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
            await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
            if (steps is not null)
            {
                await steps.RecordAsync(page, "recovery-codes");
            }

            await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/Account/Manage/Authenticator"));
        }
        else if (at.AbsolutePath == "/Account/LoginWith2fa")
        {
            if (steps is not null)
            {
                await steps.RecordAsync(page, "authenticator-code");
            }

            await page.GetByLabel("Authenticator code").FillAsync(await TestAuthenticator.NextCodeAsync(at, userName));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/Account/LoginWith2fa"));
        }
    }

    /// <summary>Opens the portal, which sends the browser to the provider, signs in there and lands back on the portal's home.</summary>
    public static async Task SignInToPortalAsync(this IPage page, Uri portal, TestAccount account, WalkthroughSteps? steps = null,
        string step = "protection-phrase")
    {
        await page.GotoAsync(portal.ToString());
        await page.SignInAsync(account.UserName, account.Password, account.ProtectionPhrase, steps, step);
        await Expect(page).ToHaveURLAsync(portal.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Business Portal", Level = 1 })).ToBeVisibleAsync();
    }
}
