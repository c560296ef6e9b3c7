using System.Text.RegularExpressions;

namespace Cers.Testing;

/// <summary>What the Hangfire dashboard's own script does before each button's POST: read the anti-forgery header and token from the page.</summary>
public static partial class DashboardAntiforgery
{
    public static (string Header, string Token) Read(string page)
    {
        var header = HeaderMeta().Match(page);
        var token = TokenMeta().Match(page);
        if (!header.Success || !token.Success)
        {
            throw new InvalidOperationException("The dashboard page carries no csrf-header and csrf-token meta tags.");
        }

        return (System.Net.WebUtility.HtmlDecode(header.Groups[1].Value), System.Net.WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    /// <summary>The form the dashboard posts to trigger recurring jobs now.</summary>
    public static FormUrlEncodedContent TriggerForm(params string[] jobIds) =>
        new(jobIds.Select(id => new KeyValuePair<string, string>("jobs[]", id)));

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]*)\"")]
    private static partial Regex HeaderMeta();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]*)\"")]
    private static partial Regex TokenMeta();
}
