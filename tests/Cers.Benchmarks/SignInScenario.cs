using System.Net;

namespace Cers.Benchmarks;

/// <summary>
/// A full password sign-in through the hosted pages, as a browser does it: GET the page (which sets the
/// anti-forgery cookie and renders the matching hidden token), POST the username and read the protection
/// phrase step, POST the password with the token, and expect the 302 that follows a successful sign-in
/// together with the session cookie. Each iteration starts with
/// an empty cookie jar, so every sign-in gets a new anti-forgery pair and a new session. Accounts are
/// taken round-robin from a pool large enough that one account is rarely used by two workers at once,
/// and every password is right, so lockout never comes into play.
/// </summary>
internal sealed class SignInScenario(HttpClient client, IReadOnlyList<string> userNames, string password)
{
    private const string SessionCookie = "cers.idp.session";

    private readonly Uri _loginPage = new(client.BaseAddress!, "Account/Login");
    private readonly Uri _userNameStep = new(client.BaseAddress!, "Account/Login?handler=UserName");
    private readonly Uri _passwordStep = new(client.BaseAddress!, "Account/Login?handler=Password");
    private long _nextUser = -1;

    public async Task<ScenarioResult> RunAsync(string scenario, LoadShape shape, CancellationToken cancellationToken)
    {
        if (await SignInOnceAsync(cancellationToken) is { } problem)
        {
            return ScenarioResult.NotRun(scenario, problem);
        }

        return await LoadLoop.RunAsync(scenario, shape, SignInOnceAsync, cancellationToken);
    }

    private async Task<string?> SignInOnceAsync(CancellationToken cancellationToken)
    {
        var turn = (ulong)Interlocked.Increment(ref _nextUser);
        var userName = userNames[(int)(turn % (ulong)userNames.Count)];
        var cookies = new CookieContainer();

        string token;
        using (var get = new HttpRequestMessage(HttpMethod.Get, _loginPage))
        using (var page = await SendAsync(get, cookies, cancellationToken))
        {
            var html = await page.Content.ReadAsStringAsync(cancellationToken);
            if (page.StatusCode != HttpStatusCode.OK)
            {
                return HttpErrors.Describe(page, html);
            }

            if (BrowserForm.AntiforgeryToken(html) is not { } hidden)
            {
                return "GET /Account/Login: the page has no __RequestVerificationToken input";
            }

            token = hidden;
        }

        using (var phraseStep = new HttpRequestMessage(HttpMethod.Post, _userNameStep)
        {
            Content = new FormUrlEncodedContent(
            [
                new("Input.UserName", userName),
                new("__RequestVerificationToken", token),
            ]),
        })
        using (var phrasePage = await SendAsync(phraseStep, cookies, cancellationToken))
        {
            var html = await phrasePage.Content.ReadAsStringAsync(cancellationToken);
            if (phrasePage.StatusCode != HttpStatusCode.OK || !html.Contains("protection-phrase", StringComparison.Ordinal))
            {
                return HttpErrors.Describe(phrasePage, html) + " (expected the protection phrase step)";
            }
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, _passwordStep)
        {
            Content = new FormUrlEncodedContent(
            [
                new("Input.UserName", userName),
                new("Input.Password", password),
                new("__RequestVerificationToken", token),
            ]),
        };
        using var answer = await SendAsync(post, cookies, cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);

        if (answer.StatusCode == HttpStatusCode.OK)
        {
            // The form shown again: the provider refused the sign-in (wrong password, locked, invalid form).
            return $"POST /Account/Login: 200, the sign-in form came back instead of the 302 ({userName})";
        }

        if (answer.StatusCode != HttpStatusCode.Redirect || answer.Headers.Location?.OriginalString != "/")
        {
            return HttpErrors.Describe(answer, body) + $" (expected 302 to /, Location was '{answer.Headers.Location}')";
        }

        return cookies.GetCookies(_loginPage)[SessionCookie] is null
            ? $"POST /Account/Login: 302 without the {SessionCookie} cookie"
            : null;
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CookieContainer cookies, CancellationToken cancellationToken) =>
        BrowserForm.SendAsync(client, request, cookies, cancellationToken);
}
