using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cers.EndToEnd.Tests.Jobs;

/// <summary>
/// The Hangfire dashboards' own buttons in a real browser: their script sends the anti-forgery token the
/// page carries with each POST, and the dashboard accepts it, on the provider and on the facility API
/// (whose dashboard signs people in through the provider).
/// </summary>
[Collection(WalkthroughCollection.Name)]
public sealed class JobsDashboardBrowserTests(WalkthroughFixture fixture)
{
    [BrowserFact]
    public async Task A_CERS_admin_triggers_a_recurring_job_from_the_provider_s_jobs_dashboard()
    {
        var admin = await fixture.CreateCersAdminAsync();
        var page = await fixture.NewPersonAsync();

        await page.GotoAsync(new Uri(fixture.Idp.BaseAddress, "/Account/Login?ReturnUrl=%2Fjobs%2Frecurring").ToString());
        await page.SignInAsync(admin.UserName, admin.Password, admin.ProtectionPhrase);

        (await TriggerAsync(page, "email-outbox-delivery")).ShouldBe(204);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_CERS_admin_triggers_a_recurring_job_from_the_facility_API_s_jobs_dashboard()
    {
        var admin = await fixture.CreateCersAdminAsync();
        var page = await fixture.NewPersonAsync();

        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/jobs/recurring").ToString());
        await page.SignInAsync(admin.UserName, admin.Password, admin.ProtectionPhrase);

        (await TriggerAsync(page, "access-request-expiry")).ShouldBe(204);
        await page.Context.CloseAsync();
    }

    /// <summary>Ticks the job on the Recurring Jobs page and presses Trigger now; the status of the dashboard's POST.</summary>
    private static async Task<int> TriggerAsync(IPage page, string jobId)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recurring Jobs" })).ToBeVisibleAsync();
        await page.Locator($"input.js-jobs-list-checkbox[value='{jobId}']").CheckAsync();
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync(),
            response => response.Url.EndsWith("/jobs/recurring/trigger", StringComparison.Ordinal));

        // Read before the dashboard reloads the page on success.
        return answer.Status;
    }
}
