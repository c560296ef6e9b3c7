using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.MyAccount;
using Cers.Idp.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Sessions;

/// <summary>
/// My Account, Sessions: where the person is signed in (browser, address, when last seen; this browser marked), with
/// "sign out" for one session and "sign out everywhere". Ending a session revokes the tokens the applications got in it.
/// Plain forms: works without script. Posts are limited per client address like every My Account form.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, ProviderSessions sessions, AuditLog audit,
    OpenIddict.Abstractions.IOpenIddictApplicationManager applications) : PageModel
{
    public const string EndedMessage = "That session is signed out. The applications signed in through it must sign in again.";

    public const string NotFoundMessage = "That session had already ended.";

    public HistoryPage<SessionSummary> Sessions { get; private set; } = new([], 1, false);

    /// <summary>The applications' names as people know them ("CERS Business Portal"), by client id.</summary>
    public Dictionary<string, string> ApplicationNames { get; } = new(StringComparer.Ordinal);

    /// <summary>The session of the browser looking at the page.</summary>
    public string? CurrentSessionId => User.FindFirst(SessionClaims.SessionId)?.Value;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        Sessions = await sessions.PageAsync(account.Id, pageNumber ?? 1, cancellationToken);
        foreach (var clientId in Sessions.Rows.SelectMany(s => s.ClientIds).Distinct(StringComparer.Ordinal))
        {
            // Served from OpenIddict's application cache; a client since removed from configuration shows its id.
            var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
            ApplicationNames[clientId] = application is null ? clientId
                : await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;
        }

        return Page();
    }

    /// <summary>
    /// Signs out one of the person's own sessions. The id comes from the form, so it is looked up among this account's
    /// sessions only: another account's session id is answered as one that has ended, and nothing happens to it.
    /// </summary>
    public async Task<IActionResult> OnPostEndAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        if (sessionId is { Length: > 0 } && sessionId == CurrentSessionId)
        {
            // This browser's own session: signing out here ends it (see SessionCookieEvents) and the page is gone.
            await HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return Redirect("/");
        }

        var ended = sessionId is { Length: > 0 and <= 64 }
            && await sessions.EndAsync(account.Id, sessionId, "signed out from My Account", cancellationToken);
        TempData["Status"] = ended ? EndedMessage : NotFoundMessage;
        return RedirectToPage();
    }

    /// <summary>Signs out every session of the account, this one included, and revokes what was issued in them.</summary>
    public async Task<IActionResult> OnPostEndAllAsync(CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        var count = await sessions.EndAllAsync(account.Id, "signed out everywhere from My Account", cancellationToken);
        await audit.WriteAsync(AuditKinds.SessionsEnded, account.Id, account.UserName, cancellationToken, $"{count} sessions, from My Account");

        // Its row is gone already; this clears the cookie (and finds nothing more to end).
        await HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Redirect("/");
    }
}
