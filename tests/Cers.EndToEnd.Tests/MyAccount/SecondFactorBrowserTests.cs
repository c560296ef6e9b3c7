using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.MyAccount;

/// <summary>
/// The second sign-in step in a real browser, each page scanned with axe-core: a regulator enrols an authenticator
/// app at the first sign-in, and at the next one meets the code page, looks at the recovery-code page (a wrong code
/// answered beside the field), goes back and signs in with the app's code.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed class SecondFactorBrowserTests(WalkthroughFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task A_regulator_enrols_at_the_first_sign_in_and_proves_the_app_at_the_next()
    {
        var steps = new WalkthroughSteps("6-second-factor", output);
        var regulator = await fixture.CreateAccountAsync("Reggie", UniqueNames.Word(), "SAC-EMD");
        var page = await fixture.NewPersonAsync();
        var main = page.Locator("main");
        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, regulator, steps);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Sign out") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/SignedOut$"));
        await page.GotoAsync(fixture.Portal.BaseAddress.ToString());
        await page.GetByLabel("Username").FillAsync(regulator.UserName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(regulator.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign In", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWith2fa"));
        await steps.RecordAsync(page, "authenticator-code");
        await main.GetByRole(AriaRole.Link, new() { Name = "Sign in with a recovery code" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in with a recovery code", Level = 1 })).ToBeVisibleAsync();
        await steps.RecordAsync(page, "recovery-code");
        await page.GetByLabel("Recovery code").FillAsync("AAAAA-11111");
        await main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(main).ToContainTextAsync("That recovery code is not right");
        await steps.RecordAsync(page, "recovery-code-refused");

        await main.GetByRole(AriaRole.Link, new() { Name = "Use a code from your authenticator app instead" }).ClickAsync();
        await page.AnswerSecondFactorAsync(regulator.UserName);
        await Expect(page).ToHaveURLAsync(fixture.Portal.BaseAddress.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Business Portal", Level = 1 })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
