using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Regulator.Transfers;

/// <summary>
/// Regulator staff: the facility transfers their agency decides, oldest first, each approved or denied with a reason. The
/// API refuses one the person asked for or whose businesses they belong to; two decisions at once give one outcome.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public TransferPage? Waiting { get; private set; }

    public static string ReasonField(long id) => "reason-" + id.ToString(CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(long transferId, int version, CancellationToken cancellationToken) =>
        DecideAsync(transferId, version, approve: true, cancellationToken);

    public Task<IActionResult> OnPostDenyAsync(long transferId, int version, CancellationToken cancellationToken) =>
        DecideAsync(transferId, version, approve: false, cancellationToken);

    private async Task<IActionResult> DecideAsync(long transferId, int version, bool approve, CancellationToken cancellationToken)
    {
        var decided = await api.DecideTransferAsync(transferId, approve, version, approve ? null : Request.Form[ReasonField(transferId)].ToString(),
            cancellationToken);
        if (decided.Problem is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string> { ["reason"] = ReasonField(transferId) });
            await LoadAsync(cancellationToken);
            return Page();
        }

        var transfer = decided.Value!;
        TempData["Status"] = approve
            ? $"Approved: facility {transfer.Facility.CersId.ToString(CultureInfo.InvariantCulture)} now belongs to {transfer.To.Name}."
            : $"Denied the transfer of facility {transfer.Facility.CersId.ToString(CultureInfo.InvariantCulture)}.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var waiting = await api.WaitingTransfersAsync(Math.Clamp(PageNumber, 1, 1000), cancellationToken);
        if (waiting.Problem is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }

        Waiting = waiting.Value;
    }
}
