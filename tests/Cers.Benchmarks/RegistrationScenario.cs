using System.Net;
using System.Security.Cryptography;

namespace Cers.Benchmarks;

/// <summary>
/// Create New Account through the hosted page, as a browser does it: GET the page with an empty cookie
/// jar (anti-forgery cookie and hidden token), POST the filled-in form, expect the 302 to "check your
/// email". Two kinds of iteration: a new username and email (the account, its audit events and its
/// activation email are written), and a username that already exists with a new email (the owner of
/// that email is told the username is taken). Both must answer with the same 302 and, so that timing
/// does not tell an attacker which usernames exist, in about the same time: both hash the password
/// once and write one email.
/// </summary>
internal sealed class RegistrationScenario(HttpClient client)
{
    /// <summary>Strong enough for the policy (zxcvbn score 2 or more) and never containing a generated username.</summary>
    public const string Password = "river otter marble 4821";

    /// <summary>Typed in where the page asks for a phrase in a text box; where it offers phrases to choose from, the first is taken.</summary>
    private const string TypedProtectionPhrase = "heron over the bay";
    private const string CheckEmailPath = "/Account/CheckEmail";

    /// <summary>Usernames the existing-username iterations take in turn.</summary>
    private const int ExistingPoolSize = 16;

    private readonly Uri _page = new(client.BaseAddress!, "Account/Register");

    /// <summary>Random letters in every generated name, so names never collide with an earlier run's in the same database.</summary>
    private readonly string _run = RandomLetters(5);

    private long _next;
    private string[]? _existing;

    public async Task<ScenarioResult> RunNewAsync(string scenario, LoadShape shape, CancellationToken cancellationToken)
    {
        if (await RegisterNewAsync(cancellationToken) is { } problem)
        {
            return ScenarioResult.NotRun(scenario, problem);
        }

        return await LoadLoop.RunAsync(scenario, shape, RegisterNewAsync, cancellationToken);
    }

    public async Task<ScenarioResult> RunExistingAsync(string scenario, LoadShape shape, CancellationToken cancellationToken)
    {
        if (_existing is null)
        {
            // Accounts of this run's own, registered through the page, so the scenario also runs on its own.
            var pool = Enumerable.Range(0, ExistingPoolSize).Select(_ => NextName()).ToArray();
            foreach (var userName in pool)
            {
                if (await RegisterAsync(userName, $"{userName}@example.com", cancellationToken) is { } problem)
                {
                    return ScenarioResult.NotRun(scenario, $"creating the existing accounts: {problem}");
                }
            }

            _existing = pool;
        }

        if (await RegisterExistingAsync(cancellationToken) is { } first)
        {
            return ScenarioResult.NotRun(scenario, first);
        }

        return await LoadLoop.RunAsync(scenario, shape, RegisterExistingAsync, cancellationToken);
    }

    private Task<string?> RegisterNewAsync(CancellationToken cancellationToken)
    {
        var userName = NextName();
        return RegisterAsync(userName, $"{userName}@example.com", cancellationToken);
    }

    /// <summary>A taken username with an address nobody used yet: the clash path, which writes its own notice email.</summary>
    private Task<string?> RegisterExistingAsync(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _next);
        var userName = _existing![(int)(n % _existing.Length)];
        return RegisterAsync(userName, $"e{_run}{n}@example.com", cancellationToken);
    }

    private async Task<string?> RegisterAsync(string userName, string email, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        string token;
        string phrase;
        using (var get = new HttpRequestMessage(HttpMethod.Get, _page))
        using (var page = await BrowserForm.SendAsync(client, get, cookies, cancellationToken))
        {
            var html = await page.Content.ReadAsStringAsync(cancellationToken);
            if (page.StatusCode != HttpStatusCode.OK)
            {
                return HttpErrors.Describe(page, html);
            }

            if (BrowserForm.AntiforgeryToken(html) is not { } hidden)
            {
                return "GET /Account/Register: the page has no __RequestVerificationToken input";
            }

            token = hidden;
            phrase = BrowserForm.InputValues(html, "Input.ProtectionPhrase") is [var offered, ..] ? offered : TypedProtectionPhrase;
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, _page)
        {
            Content = new FormUrlEncodedContent(
            [
                new("Input.UserName", userName),
                new("Input.FirstName", "Benchmark"),
                new("Input.LastName", "Registrant"),
                new("Input.Email", email),
                new("Input.ConfirmEmail", email),
                new("Input.Phone", "(916) 555-0100"),
                new("Input.Title", "Environmental Manager"),
                new("Input.Password", Password),
                new("Input.ConfirmPassword", Password),
                new("Input.ProtectionPhrase", phrase),
                new("Input.AcceptConditions", "true"),
                new("Input.Website", ""),
                new("__RequestVerificationToken", token),
            ]),
        };
        using var answer = await BrowserForm.SendAsync(client, post, cookies, cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);

        if (answer.StatusCode == HttpStatusCode.OK)
        {
            // The form shown again: a field or the password policy refused it.
            return $"POST /Account/Register: 200, the form came back instead of the 302 ({userName}): {BrowserForm.ErrorSummary(body)}";
        }

        return answer.StatusCode == HttpStatusCode.Redirect && answer.Headers.Location?.OriginalString == CheckEmailPath
            ? null
            : HttpErrors.Describe(answer, body) + $" (expected 302 to {CheckEmailPath}, Location was '{answer.Headers.Location}')";
    }

    /// <summary>5 to 16 letters and digits, as the form requires: r, the run's letters, a counter.</summary>
    private string NextName() => $"r{_run}{Interlocked.Increment(ref _next)}";

    private static string RandomLetters(int length) =>
        string.Create(length, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + RandomNumberGenerator.GetInt32(26));
            }
        });
}
