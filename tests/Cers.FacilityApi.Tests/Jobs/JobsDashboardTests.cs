using System.Net;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Jobs;

/// <summary>
/// The Hangfire dashboard at /jobs signs people in through the real provider (code flow + PKCE, its
/// own client) and shows itself to CERS admins only (<see cref="DashboardHosts"/>).
/// </summary>
public sealed class JobsDashboardTests(DashboardHosts hosts) : IClassFixture<DashboardHosts>
{
    private readonly IdpHost _idp = hosts.Idp;
    private readonly FacilityApiHost _api = hosts.Api;

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_provider_with_the_dashboard_client_s_pushed_authorization_request()
    {
        using var browser = NewBrowser();

        using var response = await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs"));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location.ShouldNotBeNull().ToString();
        location.ShouldStartWith(new Uri(_idp.BaseAddress, "connect/authorize").ToString());
        location.ShouldContain("client_id=cers-facility-jobs");

        // The provider offers pushed authorization requests, so the parameters (PKCE challenge, scopes) went
        // over the back channel and the browser carries only their reference.
        location.ShouldContain("request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A");
    }

    [Fact]
    public async Task A_CERS_admin_signs_in_through_the_provider_and_sees_the_dashboard()
    {
        using var browser = NewBrowser();

        using var dashboard = await SignInToDashboardAsync(browser, "cersadmin1", "help desk sample password 1");

        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK, await dashboard.Content.ReadAsStringAsync());
        var html = await dashboard.Content.ReadAsStringAsync();
        html.ShouldContain("CERS facility API jobs");
        html.ShouldContain("Recurring Jobs");
    }

    [Fact]
    public async Task A_CERS_admin_s_dashboard_buttons_work_with_the_anti_forgery_token_the_page_carries_and_fail_without_it()
    {
        using var browser = NewBrowser();
        using var dashboard = await SignInToDashboardAsync(browser, "cersadmin1", "help desk sample password 1");
        var recurring = await (await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs/recurring"))).Content.ReadAsStringAsync();
        var (header, token) = DashboardAntiforgery.Read(recurring);
        var triggerUri = new Uri(_api.BaseAddress, "/jobs/recurring/trigger");

        using var forged = await browser.PostAsync(triggerUri, DashboardAntiforgery.TriggerForm("access-request-expiry"));
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var trigger = new HttpRequestMessage(HttpMethod.Post, triggerUri) { Content = DashboardAntiforgery.TriggerForm("access-request-expiry") };
        trigger.Headers.Add(header, token);
        using var triggered = await browser.SendAsync(trigger);
        triggered.StatusCode.ShouldBe(HttpStatusCode.NoContent, await triggered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_business_user_signed_in_through_the_provider_gets_403()
    {
        using var browser = NewBrowser();

        using var dashboard = await SignInToDashboardAsync(browser, "bizuser1", "correct horse battery staple");

        dashboard.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await dashboard.Content.ReadAsStringAsync()).ShouldNotContain("Recurring Jobs");
    }

    [Fact]
    public async Task A_forged_sign_in_callback_is_a_403_not_a_500()
    {
        using var browser = NewBrowser();

        using var response = await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs/signin-oidc?code=forged&state=forged"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("did not complete");
    }

    [Fact]
    public async Task A_bearer_token_of_an_API_caller_does_not_open_the_dashboard()
    {
        using var toProvider = _idp.CreateBackChannel();
        var token = await DevelopmentClients.RegulatorAccessTokenAsync(toProvider);
        using var caller = NewBrowser();
        caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await caller.GetAsync(new Uri(_api.BaseAddress, "/jobs"));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldStartWith(new Uri(_idp.BaseAddress, "connect/authorize").ToString());
    }

    /// <summary>
    /// As a browser: /jobs -> the provider's authorize endpoint -> its two-step sign-in page -> back to
    /// the API's callback, which sets the dashboard cookie and returns to /jobs.
    /// </summary>
    [Fact]
    public async Task A_logout_token_from_the_provider_ends_the_admin_s_dashboard_session_at_the_next_request()
    {
        using var browser = NewBrowser();
        using (var dashboard = await SignInToDashboardAsync(browser, "cersadmin1", "help desk sample password 1"))
        {
            dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var adminId = await _idp.UserIdOfAsync("cersadmin1");

        using var http = new HttpClient();
        var endpoint = new Uri(_api.BaseAddress, "/jobs/backchannel-logout");
        // The portal's token is not the dashboard's: refused, and the session goes on.
        using var forThePortal = await LogoutTokens.PostAsync(http, endpoint, LogoutToken(adminId, DevelopmentClients.PortalClientId));
        forThePortal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var still = await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs")))
        {
            still.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var logout = await LogoutTokens.PostAsync(http, endpoint, LogoutToken(adminId, "cers-facility-jobs"));

        logout.StatusCode.ShouldBe(HttpStatusCode.OK, await logout.Content.ReadAsStringAsync());
        using var next = await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs"));
        next.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        next.Headers.Location!.ToString().ShouldStartWith(new Uri(_idp.BaseAddress, "connect/authorize").ToString());
    }

    private string LogoutToken(string subject, string audience)
    {
        using var key = _idp.LoadSigningCertificate();
        return LogoutTokens.Write(key, _idp.BaseAddress.ToString(), audience, subject, sessionId: null, DateTimeOffset.UtcNow);
    }

    private Task<HttpResponseMessage> SignInToDashboardAsync(HttpClient browser, string userName, string password) =>
        hosts.SignInAsync(browser, userName, password);

    private static HttpClient NewBrowser() => DashboardHosts.NewBrowser();
}
