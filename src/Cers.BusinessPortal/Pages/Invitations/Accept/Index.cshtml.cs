using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Invitations.Accept;

/// <summary>
/// Where an invitation email's link leads (signed in first, like every portal page): what the invitation is for, and
/// Accept. The token stays in the page's own query and form; the API is sent it in a body.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public InvitationPreview? Invitation { get; private set; }

    public AcceptedInvitation? Accepted { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Token) || Token.Length > 100)
        {
            ModelState.AddModelError("", NotFoundMessage);
            return Page();
        }

        var accepted = await api.AcceptInvitationAsync(Token, cancellationToken);
        if (accepted.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Status == 404 ? NotFoundMessage : problem.Title);
            await LoadAsync(cancellationToken);
            return Page();
        }

        Accepted = accepted.Value;
        return Page();
    }

    private const string NotFoundMessage = "This invitation link is not valid. Check that the whole link from the email was opened.";

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Token) || Token.Length > 100)
        {
            ModelState.AddModelError("", NotFoundMessage);
            return;
        }

        var preview = await api.PreviewInvitationAsync(Token, cancellationToken);
        Invitation = preview.Value;
        if (preview.Problem is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Status == 404 ? NotFoundMessage : problem.Title);
        }
    }
}
