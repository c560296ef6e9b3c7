using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage;

/// <summary>My Account's first page: who the account is, and the profile the person keeps up (name, phone, title).</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, ProfileChanges profile) : PageModel
{
    public const string SavedMessage = "Your profile was saved. Applications show the new details the next time they refresh your sign-in.";

    public const string ConflictMessage = "Your account was changed elsewhere while you edited it. Check the details below and save again.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public CersUser Account { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        Account = account;
        Input = new InputModel { FirstName = account.FirstName, LastName = account.LastName, Phone = account.PhoneNumber, Title = account.Title };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        Account = account;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!await profile.UpdateAsync(account, Input.FirstName, Input.LastName, Input.Phone, Input.Title, cancellationToken))
        {
            ModelState.AddModelError(string.Empty, ConflictMessage);
            return await OnGetAsync();
        }

        TempData["Status"] = SavedMessage;
        return RedirectToPage();
    }
}
