using Cers.Idp.Accounts;
using Cers.Idp.Mfa;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.AccessDenied;

/// <summary>
/// Where a signed-in account is sent when a page is not for it (the admin pages, for a business user). A CERS
/// admin whose session has no second factor yet is sent on to prove one (or to enrol one) and come back.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, SecondFactors factors) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        if (!SecondFactors.IsMultiFactor(User) && await users.GetUserAsync(User) is { Status: AccountStatus.Active } user
            && await users.IsCersAdminAsync(user))
        {
            return LocalRedirect(await factors.SecondStepPageAsync(user)
                + (Url.IsLocalUrl(returnUrl) ? QueryString.Create("returnUrl", returnUrl) : QueryString.Empty));
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
