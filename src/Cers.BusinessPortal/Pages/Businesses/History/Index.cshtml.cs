using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Businesses.History;

/// <summary>
/// A business's access timeline (requests, decisions, role changes, removals), newest first, for its Lead Users and its
/// regulators; the API decides who may see it. The CSV file is fetched from the API with the person's own token and
/// passed on, so the portal never builds one itself.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public BusinessHistoryPage? History { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var history = await api.BusinessHistoryAsync(Code, Math.Clamp(PageNumber, 1, 1000), cancellationToken);
        if (history.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
        }

        History = history.Value;
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var csv = await api.BusinessHistoryCsvAsync(Code, cancellationToken);
        if (csv.Value is { } file)
        {
            return File(file.Content, file.ContentType, file.FileName ?? "cers-business-history.csv");
        }

        ModelState.AddModelError("", csv.Problem!.Title);
        return Page();
    }
}
