using System.Net;

namespace Cers.Benchmarks;

/// <summary>
/// The pages that take a username or an email from a stranger, timed for an account that exists and
/// for one that does not: forgot username (an address), forgot password (a username) and the first
/// sign-in step (a username, answered with the protection phrase or its decoy). Each iteration is
/// what a browser does: GET the page with an empty cookie jar, POST the one field with the anti-forgery
/// token, expect 200 and the same confirmation. The pairs run in alternating rounds; their p50 and p95
/// ratios are the figures (near 1: timing does not tell which accounts exist).
/// </summary>
internal sealed class EnumerationTimingScenario(HttpClient client, IReadOnlyList<string> knownUserNames)
{
    /// <summary>One form and the value a known and an unknown visitor types into it.</summary>
    public sealed record Form(string Title, string Path, string PostPath, string Field, string Expect, Func<long, string> Known, Func<long, string> Unknown);

    private long _next;

    public IReadOnlyList<Form> Forms =>
    [
        new("forgot username", "Account/ForgotUsername", "Account/ForgotUsername", "Email", "If a CERS account uses that email address",
            n => $"{knownUserNames[(int)(n % knownUserNames.Count)]}@example.com", n => $"nobody{n}@example.com"),
        new("forgot password", "Account/ForgotPassword", "Account/ForgotPassword", "UserName", "If a CERS account has that username",
            n => knownUserNames[(int)(n % knownUserNames.Count)], n => $"nobody{n}"),
        new("sign-in username step", "Account/Login", "Account/Login?handler=UserName", "Input.UserName", "protection-phrase",
            n => knownUserNames[(int)(n % knownUserNames.Count)], n => $"nobody{n}"),
    ];

    public static string Title(Form form, bool known) => $"{form.Title}, {(known ? "existing" : "unknown")} account";

    public async Task<ScenarioResult> RunAsync(Form form, bool known, LoadShape shape, CancellationToken cancellationToken)
    {
        var title = Title(form, known);
        Task<string?> Once(CancellationToken ct) => PostAsync(form, known ? form.Known : form.Unknown, ct);
        if (await Once(cancellationToken) is { } problem)
        {
            return ScenarioResult.NotRun(title, problem);
        }

        return await LoadLoop.RunAsync(title, shape, Once, cancellationToken);
    }

    private async Task<string?> PostAsync(Form form, Func<long, string> value, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        var page = new Uri(client.BaseAddress!, form.Path);
        string token;
        using (var get = new HttpRequestMessage(HttpMethod.Get, page))
        using (var answer = await BrowserForm.SendAsync(client, get, cookies, cancellationToken))
        {
            var html = await answer.Content.ReadAsStringAsync(cancellationToken);
            if (answer.StatusCode != HttpStatusCode.OK || BrowserForm.AntiforgeryToken(html) is not { } hidden)
            {
                return HttpErrors.Describe(answer, html) + $" (GET /{form.Path}: expected the form)";
            }

            token = hidden;
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress!, form.PostPath))
        {
            Content = new FormUrlEncodedContent(
            [
                new(form.Field, value(Interlocked.Increment(ref _next))),
                new("__RequestVerificationToken", token),
            ]),
        };
        using var posted = await BrowserForm.SendAsync(client, post, cookies, cancellationToken);
        var body = await posted.Content.ReadAsStringAsync(cancellationToken);
        return posted.StatusCode == HttpStatusCode.OK && body.Contains(form.Expect, StringComparison.Ordinal)
            ? null
            : HttpErrors.Describe(posted, body) + $" (POST /{form.PostPath}: expected 200 with \"{form.Expect}\")";
    }
}
