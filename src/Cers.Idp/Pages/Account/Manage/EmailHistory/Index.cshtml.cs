using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.EmailHistory;

/// <summary>Email History: every email CERS's sign-in service wrote to this person, newest first, with its delivery state.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, MyAccount.EmailHistory history) : PageModel
{
    public HistoryPage<EmailHistoryEntry> Emails { get; private set; } = new([], 1, false);

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        // A page number that is not a number binds as null (model state says so): show the first page.
        Emails = await history.PageAsync(account.Id, pageNumber ?? 1, cancellationToken);
        return Page();
    }
}
