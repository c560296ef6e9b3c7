using System.Net;

namespace Cers.Benchmarks;

/// <summary>
/// One person signed in to the Business Portal, as a browser without script is: the portal sends it to the provider,
/// whose two-step form (username, then protection phrase and password) is filled in, and the provider sends it back
/// with the authorization code. Its cookies then go with every page load of every worker.
/// </summary>
internal sealed class PortalSession : IDisposable
{
    private readonly HttpClient _client;

    public PortalSession(Uri portal)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = portal,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Null once the portal's home page answers signed in; otherwise where the sign-in went wrong.</summary>
    public async Task<string?> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var (login, html) = await FollowAsync(new Uri(_client.BaseAddress!, "/"), cancellationToken);
        if (login.AbsolutePath != "/Account/Login")
        {
            return $"GET /: expected the provider's sign-in page, ended at {login}";
        }

        var returnUrl = BrowserForm.InputValues(html, "Input.ReturnUrl") is [var first, ..] ? first : "";
        using (var phraseStep = Form(new Uri(login, "/Account/Login?handler=UserName"), html,
                   [new("Input.ReturnUrl", returnUrl), new("Input.UserName", userName)]))
        using (var phrasePage = await _client.SendAsync(phraseStep, cancellationToken))
        {
            html = await phrasePage.Content.ReadAsStringAsync(cancellationToken);
            if (phrasePage.StatusCode != HttpStatusCode.OK || !html.Contains("protection-phrase", StringComparison.Ordinal))
            {
                return HttpErrors.Describe(phrasePage, html) + " (expected the protection phrase step)";
            }
        }

        using var passwordStep = Form(new Uri(login, "/Account/Login?handler=Password"), html,
            [new("Input.ReturnUrl", returnUrl), new("Input.UserName", userName), new("Input.Password", password)]);
        using var signedIn = await _client.SendAsync(passwordStep, cancellationToken);
        if (signedIn.Headers.Location is not { } next)
        {
            return HttpErrors.Describe(signedIn, await signedIn.Content.ReadAsStringAsync(cancellationToken)) + " (expected the redirect back to the portal)";
        }

        var (home, _) = await FollowAsync(new Uri(login, next), cancellationToken);
        return home == new Uri(_client.BaseAddress!, "/") ? null : $"the sign-in ended at {home}, not at the portal's home";
    }

    /// <summary>Null when <paramref name="path"/> answers 200 with <paramref name="expected"/> in its page.</summary>
    public async Task<string?> LoadAsync(string path, string expected, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(path, cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.OK && html.Contains(expected, StringComparison.Ordinal)
            ? null
            : HttpErrors.Describe(response, html) + $" (expected a page with '{expected}')";
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Follows redirects from <paramref name="address"/> (portal and provider alike, one cookie jar) to the page that answers.</summary>
    private async Task<(Uri Address, string Html)> FollowAsync(Uri address, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await _client.GetAsync(address, cancellationToken);
            if (response.Headers.Location is not { } location)
            {
                return (address, await response.Content.ReadAsStringAsync(cancellationToken));
            }

            address = new Uri(address, location);
        }

        throw new InvalidOperationException($"More than 10 redirects, the last to {address}.");
    }

    /// <summary>A POST of <paramref name="fields"/> with the anti-forgery token the page rendered.</summary>
    private static HttpRequestMessage Form(Uri action, string html, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", BrowserForm.AntiforgeryToken(html) ?? ""));
        return new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
    }
}
