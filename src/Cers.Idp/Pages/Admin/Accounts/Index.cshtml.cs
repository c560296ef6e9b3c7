using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Accounts;

/// <summary>Help-desk account lookup: find an account by username or email, disable or enable it.</summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountAdministration administration) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [StringLength(256, ErrorMessage = "Search with at most 256 characters.")]
    [PlainText]
    [Display(Name = "Username or email starts with")]
    public string? Search { get; set; }

    public IReadOnlyList<CersUser> Results { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid && !string.IsNullOrWhiteSpace(Search))
        {
            Results = await administration.SearchAsync(Search, cancellationToken);
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

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken cancellationToken)
    {
        Message = await administration.EnableAsync(id, User.Identity!.Name!, cancellationToken)
            ? "The account is enabled again."
            : "Only a disabled account can be enabled.";
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
