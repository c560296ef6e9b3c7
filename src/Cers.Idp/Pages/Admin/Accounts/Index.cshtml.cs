using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Admin.Accounts;

/// <summary>
/// Help-desk account lookup: find accounts by username, email or name, each with its actions (<see cref="AccountModel"/>
/// does them) and a link to its page (state, audit trail, Email History).
/// </summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountAdministration administration, UserManager<CersUser> users) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [StringLength(256, ErrorMessage = "Search with at most 256 characters.")]
    [PlainText]
    [Display(Name = "Username, email or name starts with")]
    public string? Search { get; set; }

    public sealed record Row(AccountActions Actions, IReadOnlyList<string> Roles);

    public IReadOnlyList<Row> Results { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (ModelState.GetFieldValidationState(nameof(Search)) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid
            && !string.IsNullOrWhiteSpace(Search))
        {
            var rows = new List<Row>();
            var caller = users.GetUserId(User);
            foreach (var account in await administration.SearchAsync(Search, cancellationToken))
            {
                var (roles, agency) = await administration.RolesOfAsync(account);
                var actions = new AccountActions(account, agency, await administration.SessionCountAsync(account.Id, cancellationToken),
                    administration.LockedUntil(account), IsCaller: account.Id == caller);
                rows.Add(new Row(actions, roles));
            }

            Results = rows;
        }
    }
}
