using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Facilities.Transfer;

/// <summary>
/// Asking to move a facility: a Lead User picks the receiving business among those they lead (the facility's own business
/// for an address change alone) and may give a new address; the facility's regulator decides. Regulator staff name any
/// business by organization code, and the move is made at once. The facility is shown as its business's members and its
/// regulator see it, or else as search shows it to anyone.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    public const string ToField = "to";
    public const string StreetField = "street";
    public const string CityField = "city";
    public const string ZipField = "zip";
    public const string NoteField = "note";

    [BindProperty(SupportsGet = true)]
    public int CersId { get; set; }

    public FacilityMatch? Facility { get; private set; }

    public string? OwnerName { get; private set; }

    public string? OwnerCode { get; private set; }

    /// <summary>Staff of the facility's own regulator agency, who name any business and move the facility at once.</summary>
    public bool IsRegulator { get; private set; }

    /// <summary>The businesses the person leads, which may receive the facility.</summary>
    public IReadOnlyList<MyBusiness> LedBusinesses { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var form = Request.Form;
        static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
        var asked = await api.RequestTransferAsync(CersId, new NewTransfer(Given(form[ToField]), Given(form[StreetField]), Given(form[CityField]),
            Given(form[ZipField]), Given(form[NoteField])), cancellationToken);
        if (asked.Problem is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string>
            {
                ["toOrganizationCode"] = ToField,
                ["street"] = StreetField,
                ["city"] = CityField,
                ["zip"] = ZipField,
                ["note"] = NoteField,
            });
            await LoadAsync(cancellationToken);
            return Page();
        }

        var transfer = asked.Value!;
        TempData["Status"] = transfer.Status == "Approved"
            ? $"Facility {CersId.ToString(CultureInfo.InvariantCulture)} now belongs to {transfer.To.Name}; both businesses' Lead Users are emailed."
            : $"Your request to move facility {CersId.ToString(CultureInfo.InvariantCulture)} is with its regulator, who decides it. You will get an email.";
        return transfer.Status == "Approved"
            ? Redirect($"/Regulator/Facility?cersId={CersId.ToString(CultureInfo.InvariantCulture)}")
            : Redirect($"/Businesses/Details?code={Uri.EscapeDataString(transfer.To.OrganizationCode)}");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var caller = await api.GetCallerAsync(cancellationToken);
        var mine = await api.MyBusinessesAsync(cancellationToken);
        LedBusinesses = [.. (mine.Value ?? []).Where(b => b.Role == MembershipRoles.LeadUser)];

        var details = await api.FacilityAsync(CersId, cancellationToken);
        if (details.Value is { } known)
        {
            Facility = new FacilityMatch(known.CersId, known.Name, known.Street, known.City, known.Zip, known.County, known.AgencyCode, known.AgencyName);
            (OwnerName, OwnerCode) = (known.BusinessName, known.OrganizationCode);
        }
        else
        {
            var found = await api.SearchAsync(new FacilitySearch(CersId.ToString(CultureInfo.InvariantCulture), null, null, null, null), cancellationToken);
            var business = found.Value?.Businesses is [var first, ..] ? first : null;
            Facility = business?.Facilities is [var only, ..] ? only : null;
            (OwnerName, OwnerCode) = (business?.Name, business?.OrganizationCode);
        }

        IsRegulator = caller.Value is { IsRegulator: true, AgencyCode: { } agency } && agency == Facility?.AgencyCode;
        if (Facility is null && ModelState.IsValid)
        {
            ModelState.AddModelError("", "No open facility has this CERS ID.");
        }
    }
}
