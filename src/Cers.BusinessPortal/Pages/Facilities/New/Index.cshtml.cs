using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Facilities.New;

/// <summary>
/// "Not found? Add a new facility/business": the facility goes to a new business, whose Lead User the
/// user becomes, or to a business they already lead. When a facility is already at the same address
/// the API says so and the user must confirm before it is added.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    private const string DuplicateAddress = "duplicate_address";

    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["facilityName"] = "Input.FacilityName",
        ["street"] = "Input.Street",
        ["city"] = "Input.City",
        ["zip"] = "Input.Zip",
        ["businessName"] = "Input.BusinessName",
        ["organizationCode"] = "Input.OrganizationCode",
    };

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Businesses the user leads, to add the facility to one of them instead of a new one.</summary>
    public IReadOnlyList<MyBusiness> LedBusinesses { get; private set; } = [];

    /// <summary>CERS IDs of the facilities already at the address, after the API reported them.</summary>
    public IReadOnlyList<int> Duplicates { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var existing = string.IsNullOrWhiteSpace(Input.OrganizationCode) ? null : Input.OrganizationCode.Trim();
        var added = await api.AddFacilityAsync(new NewFacility(Input.FacilityName, Input.Street, Input.City, Input.Zip,
            existing is null ? Input.BusinessName : null, existing, Input.ConfirmDuplicate), cancellationToken);
        if (added.Problem is { } problem)
        {
            await LoadAsync(cancellationToken);
            if (problem.Code == DuplicateAddress)
            {
                Duplicates = problem.CersIds;
                ModelState.AddModelError("Input.ConfirmDuplicate", problem.Title);
            }
            else
            {
                ModelState.AddProblem(problem, Fields);
            }

            return Page();
        }

        var facility = added.Value!;
        TempData["Status"] = $"Facility {facility.CersId} is added to {facility.BusinessName} ({facility.OrganizationCode}); " +
            $"its regulator is {facility.AgencyName}.";
        return RedirectToPage("/Index");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var mine = await api.MyBusinessesAsync(cancellationToken);
        LedBusinesses = mine.Value?.Where(b => b.Role == MembershipRoles.LeadUser).ToList() ?? [];
    }
}
