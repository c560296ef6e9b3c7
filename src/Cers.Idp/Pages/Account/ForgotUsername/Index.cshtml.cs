using System.ComponentModel.DataAnnotations;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.ForgotUsername;

/// <summary>Emails the username of the account with this address (queued, see <see cref="RecoveryRequests"/>); the page answers the same whether there is one.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(RecoveryRequests recovery, AccountRateLimiter limits) : PageModel
{
    public const string SentMessage = "If a CERS account uses that email address, we have sent its username there. It can take a few minutes to arrive.";

    [BindProperty]
    [Required(ErrorMessage = "Enter your email address.")]
    [StringLength(254, ErrorMessage = "An email address has at most 254 characters.")]
    [Cers.Email.DeliverableEmail]
    [Display(Name = "Email address")]
    public string Email { get; set; } = "";

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

        if (await limits.TryAcquireAsync(AccountLimit.Recovery, Email) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        recovery.Queue(RecoveryRequestKind.UserName, Email.Trim());
        Sent = true;
        return Page();
    }
}
