using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Activity;

/// <summary>Security activity: the account's own audit events (sign-ins with time and address, failures, lockouts, changes), paged.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, SecurityActivity activity) : PageModel
{
    public HistoryPage<SecurityActivityEntry> Events { get; private set; } = new([], 1, false);

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        Events = await activity.PageAsync(account.Id, pageNumber ?? 1, cancellationToken);
        return Page();
    }
}
