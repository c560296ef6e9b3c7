using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Facilities.Add;

/// <summary>
/// "Add a new facility/business": find the facility by address (a street number is enough) or CERS ID,
/// then ask for access to the business that owns it. The search is a GET, so its results can be
/// bookmarked and the back button works; it changes nothing.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cersId"] = "CersId",
        ["number"] = "Number",
        ["street"] = "Street",
        ["city"] = "City",
        ["zip"] = "Zip",
        ["address"] = "Street",
    };

    [BindProperty(SupportsGet = true)]
    public string? CersId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Street { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? City { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Zip { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public FacilitySearchResult? Result { get; private set; }

    public bool Searched { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (new[] { CersId, Number, Street, City, Zip }.All(string.IsNullOrWhiteSpace))
        {
            return;
        }

        Searched = true;
        ModelState.Clear();
        var found = await api.SearchAsync(new FacilitySearch(CersId, Number, Street, City, Zip, Math.Max(1, PageNumber)), cancellationToken);
        if (found.Problem is { } problem)
        {
            ModelState.AddProblem(problem, Fields);
            return;
        }

        Result = found.Value;
    }

    public string PageLink(int page) => Url.Page("/Facilities/Add/Index", new { CersId, Number, Street, City, Zip, p = page })!;
}
