using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.AccessRequests.New;

/// <summary>
/// Asks for a role in the business that owns a facility. The API checks every field; its problem
/// details come back as messages next to the fields here.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["phone"] = "Input.Phone",
        ["title"] = "Input.Title",
        ["requestedRole"] = "Input.RequestedRole",
    };

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public BusinessMatch? Business { get; private set; }

    public FacilityMatch? Facility { get; private set; }

    public async Task<IActionResult> OnGetAsync(int cersId, CancellationToken cancellationToken)
    {
        // The phone and title of the person's CERS profile (the ID token's phone_number and title) to start from.
        Input = new InputModel
        {
            CersId = cersId,
            RequestedRole = "Viewer",
            Phone = User.FindFirst("phone_number")?.Value,
            Title = User.FindFirst(CersClaims.Title)?.Value,
        };
        return await LoadAsync(cersId, cancellationToken) ? Page() : RedirectToPage("/Facilities/Add/Index");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var created = await api.RequestAccessAsync(new NewAccessRequest(Input.CersId, Input.Phone, Input.Title, Input.RequestedRole),
            cancellationToken);
        if (created.Problem is { } problem)
        {
            ModelState.AddProblem(problem, Fields);
            await LoadAsync(Input.CersId, cancellationToken);
            return Page();
        }

        var request = created.Value!;
        TempData["Status"] = request.Agency is { } agency
            ? $"Your request for access to {request.Business.Name} is sent to the regulator, {agency.Name}."
            : $"Your request for access to {request.Business.Name} is sent to its Lead Users.";
        return RedirectToPage("/Index");
    }

    private async Task<bool> LoadAsync(int cersId, CancellationToken cancellationToken)
    {
        var found = await api.SearchAsync(new FacilitySearch(cersId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, null, null),
            cancellationToken);
        Business = found.Value is { Businesses.Count: > 0 } result ? result.Businesses[0] : null;
        Facility = Business?.Facilities.FirstOrDefault(f => f.CersId == cersId);
        return Facility is not null;
    }
}
