using System.Net;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.Jobs;

[Collection(IdpCollection.Name)]
public sealed class JobsDashboardTests(IdpFactory idp)
{
    [Fact]
    public async Task The_jobs_dashboard_is_closed_to_visitors_and_ordinary_users_and_open_to_CERS_admins()
    {
        using var anonymous = idp.CreateBrowser();
        (await anonymous.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var user = await idp.CreateUserAsync("a long enough test password");
        using var ordinary = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(ordinary, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, "a long enough test password"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await ordinary.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // cersadmin1 is seeded in Development with role cers-admin (src/Cers.Idp/appsettings.Development.json).
        using var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", "help desk sample password 1");
        var dashboard = await admin.GetAsync("/jobs/recurring");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await dashboard.Content.ReadAsStringAsync();
        html.ShouldContain("activation-reminders");
        html.ShouldContain("pending-account-expiry");
        html.ShouldContain("email-outbox-delivery");

        // The dashboard's own scripts may run there (and only there).
        dashboard.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        (await admin.GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain("script-src 'self'");
    }

    [Fact]
    public async Task A_CERS_admin_s_dashboard_buttons_work_with_the_anti_forgery_token_the_page_carries_and_fail_without_it()
    {
        using var admin = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(admin, "cersadmin1", "help desk sample password 1");
        var page = await (await admin.GetAsync("/jobs/recurring")).Content.ReadAsStringAsync();
        var (header, token) = DashboardAntiforgery.Read(page);

        using var forged = await admin.PostAsync("/jobs/recurring/trigger", DashboardAntiforgery.TriggerForm("email-outbox-delivery"));
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/jobs/recurring/trigger") { Content = DashboardAntiforgery.TriggerForm("email-outbox-delivery") };
        trigger.Headers.Add(header, token);
        using var triggered = await admin.SendAsync(trigger);
        triggered.StatusCode.ShouldBe(HttpStatusCode.NoContent, await triggered.Content.ReadAsStringAsync());
    }
}
