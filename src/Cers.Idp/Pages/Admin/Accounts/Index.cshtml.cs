using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Accounts;

/// <summary>
/// Help-desk account lookup: find an account by username or email, end its sessions, disable or enable it, and make it
/// regulator staff of an agency (the role and agency code its tokens carry to the facility API).
/// </summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountAdministration administration) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [StringLength(256, ErrorMessage = "Search with at most 256 characters.")]
    [PlainText]
    [Display(Name = "Username or email starts with")]
    public string? Search { get; set; }

    public sealed record Row(CersUser Account, IReadOnlyList<string> Roles, string? AgencyCode, int Sessions);

    public IReadOnlyList<Row> Results { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (ModelState.GetFieldValidationState(nameof(Search)) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid
            && !string.IsNullOrWhiteSpace(Search))
        {
            var rows = new List<Row>();
            foreach (var account in await administration.SearchAsync(Search, cancellationToken))
            {
                var (roles, agency) = await administration.RolesOfAsync(account);
                rows.Add(new Row(account, roles, agency, await administration.SessionCountAsync(account.Id, cancellationToken)));
            }

            Results = rows;
        }
    }

    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.DisableAsync(id, User.Identity!.Name!, cancellationToken)
            ? "The account is disabled, signed out everywhere, and its tokens are revoked."
            : "Only an active account can be disabled.";
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostEndSessionsAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.EndSessionsAsync(id, User.Identity!.Name!, cancellationToken) is { } count
            ? $"{count} sessions of the account are ended and the tokens issued in them revoked."
            : "No such account.";
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostResetFactorsAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.ResetSignInFactorsAsync(id, User.Identity!.Name!, cancellationToken)
            ? "The account's sign-in factors are removed, it is signed out everywhere, its tokens are revoked, and its owner is emailed."
            : "Only an active or disabled account has sign-in factors to reset.";
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.EnableAsync(id, User.Identity!.Name!, cancellationToken)
            ? "The account is enabled again."
            : "Only a disabled account can be enabled.";
        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostMakeRegulatorAsync(string id, string? agencyCode, CancellationToken cancellationToken)
    {
        var code = agencyCode?.Trim().ToUpperInvariant() ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(code, "^[A-Z0-9-]{2,20}$"))
        {
            ModelState.AddModelError(string.Empty, "Enter the agency code: 2 to 20 capital letters, digits and hyphens, e.g. SAC-EMD.");
        }
        else
        {
            Message = await administration.MakeRegulatorAsync(id, code, User.Identity!.Name!, cancellationToken)
                ? $"The account is now regulator staff of {code}. Its next sign-in or token refresh carries the role."
                : "Only an active account can be made regulator staff.";
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveRegulatorAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.RemoveRegulatorAsync(id, User.Identity!.Name!, cancellationToken)
            ? "The regulator role is removed. Its next sign-in or token refresh no longer carries it."
            : "The account has no regulator role.";
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
