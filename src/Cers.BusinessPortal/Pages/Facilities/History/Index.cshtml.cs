using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Facilities.History;

/// <summary>
/// A facility's timeline (access requests made through it, renames, transfers, archiving), newest first, for the Lead Users
/// of the business that has it and for its regulator; the API decides who may see it and writes the CSV.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int CersId { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public BusinessHistoryPage? History { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var history = await api.FacilityHistoryAsync(CersId, Math.Clamp(PageNumber, 1, 1000), cancellationToken);
        if (history.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
        }

        History = history.Value;
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var csv = await api.FacilityHistoryCsvAsync(CersId, cancellationToken);
        if (csv.Value is { } file)
        {
            return File(file.Content, file.ContentType, file.FileName ?? "cers-facility-history.csv");
        }

        ModelState.AddModelError("", csv.Problem!.Title);
        return Page();
    }
}
