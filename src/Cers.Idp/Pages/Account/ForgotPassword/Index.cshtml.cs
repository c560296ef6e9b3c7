using System.ComponentModel.DataAnnotations;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.ForgotPassword;

/// <summary>Emails a one-hour reset link to the account with this username (queued, see <see cref="RecoveryRequests"/>); the page answers the same whether there is one.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(RecoveryRequests recovery, AccountRateLimiter limits) : PageModel
{
    public const string SentMessage = "If a CERS account has that username, we have emailed a link to choose a new password to its email address. The link works for one hour.";

    [BindProperty]
    [Required(ErrorMessage = "Enter your username.")]
    [RegularExpression("^[A-Za-z0-9]{5,16}$", ErrorMessage = "A CERS username has 5 to 16 letters and digits.")]
    [Display(Name = "Username")]
    public string UserName { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.Recovery, UserName) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        recovery.Queue(RecoveryRequestKind.PasswordReset, UserName.Trim());
        Sent = true;
        return Page();
    }
}
