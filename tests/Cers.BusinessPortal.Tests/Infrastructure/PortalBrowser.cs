using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Cers.BusinessPortal.Tests.Infrastructure;

/// <summary>A page as the browser ended on it: its address, the last response and its parsed HTML.</summary>
public sealed record BrowserPage(Uri Address, HttpResponseMessage Response, IDocument Document, IReadOnlyList<Uri> Hops)
{
    public HttpStatusCode Status => Response.StatusCode;

    public string Text => Document.Body?.TextContent ?? "";

    /// <summary>The messages of the error summary at the top of the form, with where each links to.</summary>
    public IReadOnlyList<(string Text, string? Target)> Errors =>
        [.. Document.QuerySelectorAll(".error-summary li").Select(li => (li.TextContent.Trim(), li.QuerySelector("a")?.GetAttribute("href")))];

    /// <summary>The message shown next to the field whose id is <paramref name="fieldId"/> (in the same field block).</summary>
    public string FieldError(string fieldId)
    {
        var field = Document.GetElementById(fieldId).ShouldNotBeNull($"no element #{fieldId}");
        var block = field.Closest(".field, fieldset, form").ShouldNotBeNull();
        return block.QuerySelector(".field-error")?.TextContent.Trim() ?? "";
    }
}

/// <summary>
/// A browser without JavaScript: one cookie jar for every site, redirects followed as a browser does
/// (a POST answered with 302 becomes a GET), forms read from the page, hidden fields and all, and
/// posted back. Each hop is recorded, so a test can see where a flow went.
/// </summary>
public sealed class PortalBrowser : IDisposable
{
    private static readonly HtmlParser Parser = new();
    private readonly HttpClient _http;
    private readonly Uri _portal;

    public PortalBrowser(Uri portal)
    {
        _portal = portal;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = Cookies,
        });
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Opens <paramref name="path"/> of the portal and follows every redirect.</summary>
    public Task<BrowserPage> OpenAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_portal, path)));

    /// <summary>One request to the portal, redirects not followed.</summary>
    public Task<HttpResponseMessage> GetWithoutRedirectAsync(string path) => _http.GetAsync(new Uri(_portal, path));

    /// <summary>
    /// Signs in through the portal as a person does: the portal sends the browser to the provider, whose
    /// two-step form (username, then protection phrase and password) is filled in, and the provider sends
    /// it back with the authorization code; the result is the portal's home.
    /// </summary>
    public async Task<BrowserPage> SignInAsync(TestAccount account)
    {
        var login = await OpenAsync("/");
        login.Address.AbsolutePath.ShouldBe("/Account/Login", login.Text);
        var phrase = await SubmitAsync(login, "main form", new() { ["Input.UserName"] = account.UserName });
        phrase.Document.QuerySelector("[data-testid=protection-phrase]").ShouldNotBeNull(phrase.Text);
        var home = await AnswerSecondFactorAsync(await SubmitAsync(phrase, "main form", new() { ["Input.Password"] = account.Password }), account.UserName);
        home.Status.ShouldBe(HttpStatusCode.OK, home.Text);
        home.Address.ShouldBe(new Uri(_portal, "/"));
        return home;
    }

    /// <summary>
    /// The provider's second step, as a person with an authenticator app answers it: a regulator (whose role
    /// requires a second factor) enrols at the first sign-in, reading the key the enrolment page shows, and
    /// answers with a code at later ones (see <see cref="TestAuthenticator"/>).
    /// </summary>
    public async Task<BrowserPage> AnswerSecondFactorAsync(BrowserPage page, string userName)
    {
        if (page.Address.AbsolutePath == "/Account/Manage/Authenticator")
        {
            TestAuthenticator.Enrolled(page.Address, userName, page.Document.QuerySelector("[data-testid=authenticator-key]").ShouldNotBeNull(page.Text).TextContent);
            var codes = await SubmitAsync(page, "form[action*=Confirm]", new() { ["Confirm.Code"] = await TestAuthenticator.NextCodeAsync(page.Address, userName) });
            codes.Document.QuerySelectorAll("[data-testid=recovery-codes] li").Length.ShouldBe(10, codes.Text);
            return await FollowLinkAsync(codes, "Continue");
        }

        if (page.Address.AbsolutePath == "/Account/LoginWith2fa")
        {
            return await SubmitAsync(page, "main form", new() { ["Code"] = await TestAuthenticator.NextCodeAsync(page.Address, userName) });
        }

        return page;
    }

    /// <summary>Fills in the form <paramref name="selector"/> of <paramref name="page"/> and submits it.</summary>
    public Task<BrowserPage> SubmitAsync(BrowserPage page, string selector, Dictionary<string, string>? values = null)
    {
        var form = (page.Document.QuerySelector(selector) as IHtmlFormElement).ShouldNotBeNull($"no form '{selector}' on {page.Address}");
        var fields = ReadFields(form);
        foreach (var (name, value) in values ?? [])
        {
            fields[name] = value;
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page.Address : new Uri(page.Address, form.GetAttribute("action"));
        if (string.Equals(form.Method, "get", StringComparison.OrdinalIgnoreCase))
        {
            var query = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
            return SendAsync(new HttpRequestMessage(HttpMethod.Get, new UriBuilder(action) { Query = query }.Uri));
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) });
    }

    /// <summary>Follows the link whose text contains <paramref name="text"/>.</summary>
    public Task<BrowserPage> FollowLinkAsync(BrowserPage page, string text)
    {
        var link = page.Document.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Contains(text, StringComparison.Ordinal))
            .ShouldNotBeNull($"no link '{text}' on {page.Address}");
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(page.Address, link.GetAttribute("href"))));
    }

    public void Dispose() => _http.Dispose();

    private static Dictionary<string, string> ReadFields(IHtmlFormElement form)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name)
                    && (input.Type is not ("checkbox" or "radio") || input.IsChecked) && input.Type != "submit":
                    fields.TryAdd(input.Name!, input.Value);
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    fields[select.Name!] = select.SelectedIndex >= 0 ? select.Options[select.SelectedIndex]!.Value : "";
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    fields[area.Name!] = area.Value;
                    break;
            }
        }

        return fields;
    }

    private async Task<BrowserPage> SendAsync(HttpRequestMessage request)
    {
        var hops = new List<Uri>();
        var address = request.RequestUri!;
        var response = await _http.SendAsync(request);
        for (var hop = 0; hop < 15 && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
                 or HttpStatusCode.MovedPermanently or HttpStatusCode.TemporaryRedirect; hop++)
        {
            hops.Add(address);
            var location = response.Headers.Location.ShouldNotBeNull();
            address = location.IsAbsoluteUri ? location : new Uri(address, location);
            response.Dispose();
            response = await _http.GetAsync(address);
        }

        var html = await response.Content.ReadAsStringAsync();
        return new BrowserPage(address, response, await Parser.ParseDocumentAsync(html), hops);
    }
}
