using Cers.BusinessPortal.FacilityApi;
using Cers.BusinessPortal.Invitations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Invitations.Accept;

/// <summary>
/// Where an invitation email's link leads (signed in first, like every portal page): what the invitation is for, and
/// Accept. The token stays in the page's own query and form; the API is sent it in a body. Opened before signing in,
/// the link is also remembered in this browser (<see cref="OpenedInvitation"/>), so a person who goes off to create an
/// account first finds it offered on the portal's home when they come back; once it is settled it is forgotten.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(FacilityApiClient api, OpenedInvitation opened) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public InvitationPreview? Invitation { get; private set; }

    public AcceptedInvitation? Accepted { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // A link remembered before signing in is done with once it is settled or not an invitation at all.
        if (await LoadAsync(cancellationToken) is { } preview && OpenedInvitation.IsDoneWith(preview))
        {
            opened.Forget(HttpContext, Token);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!OpenedInvitation.IsWellFormed(Token))
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
        opened.Forget(HttpContext, Token);
        return Page();
    }

    private const string NotFoundMessage = "This invitation link is not valid. Check that the whole link from the email was opened.";

    /// <summary>Loads what the link is for; the API's answer, or null when the token is not one it would take.</summary>
    private async Task<ApiResult<InvitationPreview>?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!OpenedInvitation.IsWellFormed(Token))
        {
            ModelState.AddModelError("", NotFoundMessage);
            return null;
        }

        var preview = await api.PreviewInvitationAsync(Token, cancellationToken);
        Invitation = preview.Value;
        if (preview.Problem is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Status == 404 ? NotFoundMessage : problem.Title);
        }

        return preview;
    }
}
