using System.Net;
using System.Text.RegularExpressions;

namespace Cers.Benchmarks;

/// <summary>
/// What a browser does around a hosted form, for workers that share one client without a cookie jar:
/// each iteration keeps its own jar, applied to each request and updated from each response by hand,
/// and posts back the anti-forgery token the page rendered.
/// </summary>
internal static partial class BrowserForm
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CookieContainer cookies,
        CancellationToken cancellationToken)
    {
        var address = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : new Uri(client.BaseAddress!, request.RequestUri!);
        var header = cookies.GetCookieHeader(address);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await client.SendAsync(request, cancellationToken);
        try
        {
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(address, setCookie);
                }
            }

            return response;
        }
        catch (CookieException)
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The value of the page's hidden <c>__RequestVerificationToken</c> input, or null when it has none.</summary>
    public static string? AntiforgeryToken(string html)
    {
        var hidden = AntiforgeryInput().Match(html);
        return hidden.Success ? WebUtility.HtmlDecode(hidden.Groups["token"].Value) : null;
    }

    /// <summary>The non-empty values the page's inputs named <paramref name="name"/> carry, in page order (the options of a radio group).</summary>
    public static IReadOnlyList<string> InputValues(string html, string name) =>
        [.. InputTag().Matches(html)
            .Select(input => input.Value)
            .Where(input => input.Contains($"name=\"{name}\"", StringComparison.Ordinal))
            .Select(input => ValueAttribute().Match(input))
            .Where(value => value.Success && value.Groups["value"].Length > 0)
            .Select(value => WebUtility.HtmlDecode(value.Groups["value"].Value))];

    /// <summary>The messages in the page's error summary (every form error, field or not), joined; empty when it has none.</summary>
    public static string ErrorSummary(string html)
    {
        var summary = ErrorSummaryList().Match(html);
        return summary.Success
            ? string.Join("; ", ListItem().Matches(summary.Groups["items"].Value)
                .Select(item => WebUtility.HtmlDecode(Tag().Replace(item.Groups["item"].Value, "")).Trim()))
            : "";
    }

    [GeneratedRegex("""<input[^>]*\bname="__RequestVerificationToken"[^>]*\bvalue="(?<token>[^"]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("<input[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex InputTag();

    [GeneratedRegex("\\bvalue=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ValueAttribute();

    [GeneratedRegex("""class="error-summary".*?<ul>(?<items>.*?)</ul>""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ErrorSummaryList();

    [GeneratedRegex("<li>(?<item>.*?)</li>", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ListItem();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
