using Cers.Idp.Activation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Activate;

/// <summary>
/// The activation email's link. Opening it only checks the link and asks the person to confirm; the
/// button (a POST with anti-forgery) activates. Mail systems that fetch every link in an email (link
/// scanners) must not activate an account someone else registered with this address. Every outcome is
/// a page that says what to do next; none is an error status.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountActivation activation) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public ActivationOutcome Outcome { get; private set; }

    /// <summary>The username the link activates, shown before the button.</summary>
    public string? UserName { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        (Outcome, UserName) = await activation.CheckAsync(Id, Token, cancellationToken);

    public async Task OnPostAsync(CancellationToken cancellationToken) =>
        Outcome = await activation.ActivateAsync(Id, Token, cancellationToken);
}
