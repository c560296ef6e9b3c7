using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Logout;

/// <summary>
/// Asks before signing out. The form posts the end-session parameters back to
/// <c>connect/endsession</c> with an anti-forgery token, which performs the sign-out.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel : PageModel
{
    private static readonly HashSet<string> ForwardedParameters = new(StringComparer.Ordinal)
    {
        "id_token_hint", "post_logout_redirect_uri", "state", "client_id", "ui_locales", "logout_hint",
    };

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    public void OnGet() =>
        Parameters = Request.Query
            .Where(p => ForwardedParameters.Contains(p.Key))
            .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()))
            .ToList();
}
