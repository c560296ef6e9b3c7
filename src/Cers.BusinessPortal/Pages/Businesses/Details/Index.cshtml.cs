using System.Globalization;
using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Businesses.Details;

/// <summary>
/// A business's name, contact and facilities, for its members and its regulators; its Lead Users edit the name and contact,
/// rename facilities, ask for an address change, and see and withdraw the transfers into and out of the business. The API
/// decides who may do what; a refusal is shown as a form message.
/// </summary>
public sealed class IndexModel(FacilityApiClient api) : PageModel
{
    public const string NameField = "business-name";
    public const string ContactNameField = "contact-name";
    public const string ContactEmailField = "contact-email";
    public const string ContactPhoneField = "contact-phone";

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public BusinessDetails? Business { get; private set; }

    public bool IsLeadUser { get; private set; }

    public IReadOnlyList<Transfer> Transfers { get; private set; } = [];

    /// <summary>The signed-in person's <c>sub</c>: only whoever asked for a transfer withdraws it.</summary>
    public string? Subject { get; private set; }

    public static string FacilityNameField(int cersId) => "facility-name-" + cersId.ToString(CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostEditAsync(CancellationToken cancellationToken)
    {
        var form = Request.Form;
        var edited = await api.EditBusinessAsync(Code, new BusinessEdit(form[NameField], form[ContactNameField], form[ContactEmailField],
            form[ContactPhoneField]), cancellationToken);
        if (edited.Problem is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string>
            {
                ["name"] = NameField,
                ["contactName"] = ContactNameField,
                ["contactEmail"] = ContactEmailField,
                ["contactPhone"] = ContactPhoneField,
            });
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = "The business's details are saved.";
        return RedirectToPage(new { Code });
    }

    public async Task<IActionResult> OnPostRenameAsync(int cersId, CancellationToken cancellationToken)
    {
        var renamed = await api.RenameFacilityAsync(cersId, Request.Form[FacilityNameField(cersId)], cancellationToken);
        if (renamed.Problem is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string> { ["name"] = FacilityNameField(cersId) });
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = $"Facility {cersId.ToString(CultureInfo.InvariantCulture)} is now named {renamed.Value!.Name}.";
        return RedirectToPage(new { Code });
    }

    public async Task<IActionResult> OnPostWithdrawTransferAsync(long transferId, CancellationToken cancellationToken)
    {
        var withdrawn = await api.WithdrawTransferAsync(transferId, cancellationToken);
        if (withdrawn.Problem is { } problem)
        {
            ModelState.AddModelError("", problem.Title);
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Status"] = "The transfer request is withdrawn.";
        return RedirectToPage(new { Code });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var business = await api.BusinessAsync(Code, cancellationToken);
        Business = business.Value;
        var mine = await api.MyBusinessesAsync(cancellationToken);
        IsLeadUser = mine.Value?.Any(b => b.OrganizationCode == Code && b.Role == MembershipRoles.LeadUser) == true;
        if (IsLeadUser)
        {
            Transfers = (await api.BusinessTransfersAsync(Code, cancellationToken)).Value?.Items ?? [];
            Subject = (await api.GetCallerAsync(cancellationToken)).Value?.Subject;
        }

        if ((business.Problem ?? mine.Problem) is { } problem && ModelState.IsValid)
        {
            ModelState.AddModelError("", problem.Title);
        }
    }
}
