using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages;

/// <summary>The portal's home: what waits for the user, their businesses and their own requests.</summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
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
