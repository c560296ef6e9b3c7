using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Regulator;

/// <summary>
/// Regulator staff: the pending requests for facilities in their agency's jurisdiction, oldest first,
/// whichever way they were routed (a regulator may always decide them).
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    public Caller? Caller { get; private set; }

    public AccessRequestPage? Waiting { get; private set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var caller = await api.GetCallerAsync(cancellationToken);
        Caller = caller.Value;
        if (Caller?.IsRegulator != true)
        {
            return;
        }

        var waiting = await api.WaitingRequestsAsync(Math.Clamp(PageNumber, 1, 1000), cancellationToken);
        if ((caller.Problem ?? waiting.Problem) is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
        }

        Waiting = waiting.Value;
    }

    /// <summary>The business users of the jurisdiction (name, email, business, role) as the API's CSV file.</summary>
    public async Task<Microsoft.AspNetCore.Mvc.IActionResult> OnGetUsersCsvAsync(CancellationToken cancellationToken)
    {
        var csv = await api.JurisdictionUsersCsvAsync(cancellationToken);
        if (csv.Value is { } file)
        {
            return File(file.Content, file.ContentType, file.FileName ?? "cers-business-users.csv");
        }

        ModelState.AddModelError("", csv.Problem!.Title);
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
