using System.Net;
using System.Net.Sockets;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Jobs;

/// <summary>
/// The Hangfire dashboard at /jobs signs people in through the real provider (code flow + PKCE, its
/// own client) and shows itself to CERS admins only. A provider of its own, whose dashboard client
/// names this API's address as its redirect URI, and the API on a port chosen first.
/// </summary>
public sealed class JobsDashboardTests(JobsDashboardTests.Hosts hosts) : IClassFixture<JobsDashboardTests.Hosts>
{
    private const string DashboardSecret = "test-jobs-dashboard-secret-2b9e4c7a";
    private static readonly HtmlParser Parser = new();

    private readonly IdpHost _idp = hosts.Idp;
    private readonly FacilityApiHost _api = hosts.Api;

    /// <summary>The provider and the API, shared by this class's tests; each test signs in with a browser of its own.</summary>
    public sealed class Hosts : IDisposable
    {
        private readonly TempDirectory _data = new("cers-facility-dashboard-");

        public Hosts()
        {
            var port = Loopback.FreePort();
            var apiAddress = $"http://127.0.0.1:{port}";
            Idp = new IdpHost(_data.Path, new Dictionary<string, string?>
            {
                ["Oidc:Clients:2:ClientSecret"] = DashboardSecret,
                ["Oidc:Clients:2:RedirectUris:0"] = $"{apiAddress}/jobs/signin-oidc",
                ["Oidc:Clients:2:BackChannelLogoutUri"] = $"{apiAddress}/jobs/backchannel-logout",
            }, kestrel: true).Start();
            Api = new FacilityApiHost(Idp.BaseAddress, Path.Combine(_data.Path, "api"),
                settings: [new("JobsDashboard:ClientSecret", DashboardSecret), new("Jobs:RunServer", "false")], port: port);
        }

        public IdpHost Idp { get; }

        public FacilityApiHost Api { get; }

        public void Dispose()
        {
            Api.Dispose();
            Idp.Dispose();
            _data.Dispose();
        }
    }

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

    private async Task<HttpResponseMessage> SignInToDashboardAsync(HttpClient browser, string userName, string password)
    {
        var response = await browser.GetAsync(new Uri(_api.BaseAddress, "/jobs"));
        for (var hop = 0; hop < 20; hop++)
        {
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                var next = response.Headers.Location!.IsAbsoluteUri
                    ? response.Headers.Location
                    : new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location);
                response.Dispose();
                response = await browser.GetAsync(next);
                continue;
            }

            var page = response.RequestMessage!.RequestUri!;
            if (response.StatusCode == HttpStatusCode.OK && page.AbsolutePath == "/connect/authorize")
            {
                // The provider answers with response_mode=form_post: a page whose form a browser posts to the callback.
                var (callback, answer) = await ReadFormAsync(response, page, "form");
                response.Dispose();
                response = await browser.PostAsync(callback, new FormUrlEncodedContent(answer));
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && page.AbsolutePath == "/Account/Manage/Authenticator")
            {
                // The dashboard asks for a second factor: an admin without one enrols, as a person with an app does.
                var html = await response.Content.ReadAsStringAsync();
                TestAuthenticator.Enrolled(page, userName, Parser.ParseDocument(html).QuerySelector("[data-testid=authenticator-key]").ShouldNotBeNull(html).TextContent);
                var (confirm, confirmFields) = await ReadFormAsync(response, page, "form[action*=Confirm]");
                confirmFields["Confirm.Code"] = await TestAuthenticator.NextCodeAsync(page, userName);
                response.Dispose();
                response = await browser.PostAsync(confirm, new FormUrlEncodedContent(confirmFields));
                var done = Parser.ParseDocument(await response.Content.ReadAsStringAsync());
                var next = new Uri(confirm, done.QuerySelectorAll("a").First(a => a.TextContent.Trim() == "Continue").GetAttribute("href"));
                response.Dispose();
                response = await browser.GetAsync(next);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && page.AbsolutePath == "/Account/LoginWith2fa")
            {
                var (verify, codeFields) = await ReadFormAsync(response, page);
                codeFields["Code"] = await TestAuthenticator.NextCodeAsync(page, userName);
                response.Dispose();
                response = await browser.PostAsync(verify, new FormUrlEncodedContent(codeFields));
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK || !page.AbsolutePath.StartsWith("/Account/Login", StringComparison.Ordinal))
            {
                return response;
            }

            // The provider's sign-in page: first the username, then (beside the protection phrase) the password.
            var (action, fields) = await ReadFormAsync(response, page);
            var field = fields.ContainsKey("Input.Password") ? "Input.Password" : "Input.UserName";
            fields[field] = field == "Input.Password" ? password : userName;
            response.Dispose();
            response = await browser.PostAsync(action, new FormUrlEncodedContent(fields));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // The password step is answered on the same address.
                var (passwordAction, passwordFields) = await ReadFormAsync(response, action);
                passwordFields["Input.Password"] = password;
                response.Dispose();
                response = await browser.PostAsync(passwordAction, new FormUrlEncodedContent(passwordFields));
            }
        }

        throw new InvalidOperationException("The sign-in never came back to the dashboard.");
    }

    private static async Task<(Uri Action, Dictionary<string, string> Fields)> ReadFormAsync(HttpResponseMessage response, Uri page,
        string selector = "main form")
    {
        var html = await response.Content.ReadAsStringAsync();
        var form = (Parser.ParseDocument(html).QuerySelector(selector) as IHtmlFormElement).ShouldNotBeNull(html);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page : new Uri(page, form.GetAttribute("action"));
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name) && (input.Type is not ("checkbox" or "radio") || input.IsChecked))
            .GroupBy(input => input.Name!)
            .ToDictionary(group => group.Key, group => group.First().Value);
        return (action, fields);
    }

    private static HttpClient NewBrowser() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
    });
}
