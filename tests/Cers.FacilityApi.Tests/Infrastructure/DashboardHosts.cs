using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// A provider of its own, whose jobs-dashboard client names this API's address as its redirect URI, and the API on a
/// port chosen first, with the dashboard (and the email operations page beside it) configured, email going to a real
/// SMTP listener that retries an hour apart, and no job server: a test runs the jobs it means to. Shared by a test
/// class; each test signs in with a browser of its own.
/// </summary>
public sealed class DashboardHosts : IDisposable
{
    public const string DashboardSecret = "test-jobs-dashboard-secret-2b9e4c7a";
    private static readonly HtmlParser Parser = new();
    private readonly TempDirectory _data = new("cers-facility-dashboard-");

    public DashboardHosts()
    {
        var port = Loopback.FreePort();
        var apiAddress = $"http://127.0.0.1:{port}";
        Idp = new IdpHost(_data.Path, new Dictionary<string, string?>
        {
            ["Oidc:Clients:2:ClientSecret"] = DashboardSecret,
            ["Oidc:Clients:2:RedirectUris:0"] = $"{apiAddress}/jobs/signin-oidc",
            ["Oidc:Clients:2:BackChannelLogoutUri"] = $"{apiAddress}/jobs/backchannel-logout",
        }, kestrel: true).Start();
        Smtp = new SmtpListener();
        Api = new FacilityApiHost(Idp.BaseAddress, Path.Combine(_data.Path, "api"),
            settings:
            [
                .. Smtp.Settings(),
                new("Email:Outbox:FirstRetryDelay", "01:00:00"),
                new("Email:Outbox:MaxRetryDelay", "02:00:00"),
                new("JobsDashboard:ClientSecret", DashboardSecret),
                new("Jobs:RunServer", "false"),
            ],
            port: port);
    }

    public IdpHost Idp { get; }

    public FacilityApiHost Api { get; }

    public SmtpListener Smtp { get; }

    /// <summary>
    /// As a browser: <paramref name="path"/> at the API -> the provider's authorize endpoint -> its two-step sign-in page
    /// (and the second factor, or enrolment) -> back to the API's callback, which sets the dashboard cookie and returns.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string userName, string password, string path = "/jobs")
    {
        var response = await browser.GetAsync(new Uri(Api.BaseAddress, path));
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

    public static async Task<(Uri Action, Dictionary<string, string> Fields)> ReadFormAsync(HttpResponseMessage response, Uri page,
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

    public static HttpClient NewBrowser() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
    });

    public void Dispose()
    {
        Api.Dispose();
        Idp.Dispose();
        Smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _data.Dispose();
    }
}
