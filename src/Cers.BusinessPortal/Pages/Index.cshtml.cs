using Cers.BusinessPortal.FacilityApi;
using Cers.BusinessPortal.Invitations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages;

/// <summary>The portal's home: what waits for the user, their businesses and their own requests.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(FacilityApiClient api, OpenedInvitation opened) : PageModel
{
    /// <summary>An invitation for this account whose link this browser opened before signing in, still to be accepted.</summary>
    public (string Token, InvitationPreview Preview)? Invitation { get; private set; }

    public Caller? Caller { get; private set; }

    public IReadOnlyList<AccessRequestView> Waiting { get; private set; } = [];

    public int WaitingTotal { get; private set; }

    public IReadOnlyList<MyBusiness> Businesses { get; private set; } = [];

    public IReadOnlyList<AccessRequestView> MyRequests { get; private set; } = [];

    /// <summary>What could not be loaded, said once at the top.</summary>
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var caller = await api.GetCallerAsync(cancellationToken);
        var waiting = await api.WaitingRequestsAsync(1, cancellationToken);
        var businesses = await api.MyBusinessesAsync(cancellationToken);
        var mine = await api.MyRequestsAsync(cancellationToken);

        Caller = caller.Value;
        Waiting = waiting.Value?.Items ?? [];
        WaitingTotal = waiting.Value?.Total ?? 0;
        Businesses = businesses.Value ?? [];
        MyRequests = mine.Value?.Items ?? [];
        Problem = (caller.Problem ?? waiting.Problem ?? businesses.Problem ?? mine.Problem)?.Title;
        await LoadOpenedInvitationAsync(cancellationToken);
    }

    /// <summary>The person says the invitation this browser remembers is not for them (or not wanted).</summary>
    public IActionResult OnPostForgetInvitation()
    {
        opened.Forget(HttpContext);
        return RedirectToPage();
    }

    /// <summary>
    /// Offered only to the account it was sent to: someone else signing in on a shared browser is told nothing of it,
    /// and it stays for the right person. Forgotten once settled (accepted, revoked, expired) or not found.
    /// </summary>
    private async Task LoadOpenedInvitationAsync(CancellationToken cancellationToken)
    {
        if (opened.Read(HttpContext) is not { } token)
        {
            return;
        }

        var preview = await api.PreviewInvitationAsync(token, cancellationToken);
        if (preview.Value is { State: "pending", SentToCaller: true } pending)
        {
            Invitation = (token, pending);
        }
        else if (OpenedInvitation.IsDoneWith(preview))
        {
            opened.Forget(HttpContext);
        }
    }

    /// <summary>The user withdraws one of their own pending requests.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(long id, CancellationToken cancellationToken)
    {
        var withdrawn = await api.WithdrawAsync(id, cancellationToken);
        TempData["Status"] = withdrawn.Problem?.Title
            ?? $"Your request for access to {withdrawn.Value!.Business.Name} is withdrawn.";
        return RedirectToPage();
    }
}
