using Cers.Idp.Accounts;
using Cers.Idp.Mfa;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.RecoveryCodes;

/// <summary>My Account, recovery codes: how many are left, and ten new ones (shown once; the old ones stop working).</summary>
[Authorize]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, AuthenticatorEnrolment enrolment, SecondFactors factors) : PageModel
{
    public bool Enrolled { get; private set; }

    public int Left { get; private set; }

    public IReadOnlyList<string>? Codes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Codes = await enrolment.RegenerateRecoveryCodesAsync(user, cancellationToken);
        await LoadAsync((await users.FindByIdAsync(user.Id))!);
        return Page();
    }

    private async Task LoadAsync(CersUser user)
    {
        Enrolled = await factors.HasAuthenticatorAsync(user);
        Left = Enrolled ? await users.CountRecoveryCodesAsync(user) : 0;
    }
}
