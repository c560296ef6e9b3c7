extern alias idp;

using System.Text.RegularExpressions;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using AccountAdministration = idp::Cers.Idp.Accounts.AccountAdministration;

namespace Cers.EndToEnd.Tests.SignIn;

/// <summary>
/// OpenID Connect Back-Channel Logout end to end, in a real browser: one provider session signs a CERS admin in to the
/// Business Portal and to the facility API's jobs dashboard; when the session ends, the provider tells both over the
/// back channel, and each signs the browser out at its next request, though the browser never called it.
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed class BackChannelLogoutBrowserTests(WalkthroughFixture fixture)
{
    [BrowserFact]
    public async Task Signing_out_at_the_portal_signs_the_browser_out_of_the_jobs_dashboard_too()
    {
        var admin = await fixture.CreateCersAdminAsync();
        var page = await fixture.NewPersonAsync();
        await SignInToBothAsync(page, admin);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Sign out") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/SignedOut$"));
        (await fixture.Idp.WaitForLogoutsAsync(n => n.UserId == admin.Id)).Select(n => n.ClientId).ShouldBe(["cers-business-portal", "cers-facility-jobs"]);

        // The dashboard's cookie is still in the browser, but its session is over: it sends the browser to sign in.
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/jobs").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_CERS_admin_disabling_the_account_signs_it_out_of_the_portal_and_the_jobs_dashboard()
    {
        var person = await fixture.CreateCersAdminAsync();
        var page = await fixture.NewPersonAsync();
        await SignInToBothAsync(page, person);

        await using (var scope = fixture.Idp.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<AccountAdministration>().DisableAsync(person.Id, "cersadmin1", CancellationToken.None))
                .ShouldBeTrue();
        }

        (await fixture.Idp.WaitForLogoutsAsync(n => n.UserId == person.Id)).Select(n => n.ClientId).ShouldBe(["cers-business-portal", "cers-facility-jobs"]);
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/jobs").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GotoAsync(fixture.Portal.BaseAddress.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.Context.CloseAsync();
    }

    /// <summary>Signs in at the portal, then opens the jobs dashboard, which the same provider session signs in without a form.</summary>
    private async Task SignInToBothAsync(IPage page, TestAccount account)
    {
        await page.SignInToPortalAsync(fixture.Portal.BaseAddress, account);
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/jobs").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/jobs$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        // And both really are signed in: the portal's home opens without a trip to the provider.
        await page.GotoAsync(fixture.Portal.BaseAddress.ToString());
        await Expect(page).ToHaveURLAsync(fixture.Portal.BaseAddress.ToString());
    }
}
