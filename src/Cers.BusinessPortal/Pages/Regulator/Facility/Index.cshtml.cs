using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Regulator.Facility;

/// <summary>
/// Regulator staff: one facility of the jurisdiction by CERS ID, archived or not, with its business, its history, moving it
/// to another business or address, and archiving it when it closes (with a reason). Nothing is deleted.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    public const string ReasonField = "archive-reason";

    [BindProperty(SupportsGet = true)]
    public int CersId { get; set; }

    public FacilityDetails? Facility { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostArchiveAsync(CancellationToken cancellationToken)
    {
        var archived = await api.ArchiveFacilityAsync(CersId, Request.Form[ReasonField], cancellationToken);
        if (archived.Problem is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string> { ["reason"] = ReasonField });
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = $"Facility {CersId.ToString(CultureInfo.InvariantCulture)} is archived. It keeps its CERS ID and history.";
        return RedirectToPage(new { CersId });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (CersId <= 0)
        {
            return;
        }

        var facility = await api.FacilityAsync(CersId, cancellationToken);
        if (facility.Problem is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }

        Facility = facility.Value;
    }
}
