using System.ComponentModel.DataAnnotations;
using Cers.Email;
using Cers.Idp.Activation;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Pages.Account.CheckEmail;

/// <summary>
/// "Check your email", after Create My Account and for anyone whose activation email went missing.
/// Resend answers the same whether or not a pending account uses the address.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(RecoveryRequests recovery, AccountRateLimiter limits, IOptions<EmailOptions> email,
    IOptions<ActivationOptions> options) : PageModel
{
    public const string EmailKey = "RegisteredEmail";

    public const string ResentMessage =
        "If an account is waiting for activation at that address, we have sent it a new activation email. Links in earlier emails no longer work.";

    public string Sender => email.Value.FromAddress;

    public int WindowDays => (int)options.Value.Window.TotalDays;

    [BindProperty]
    [Required(ErrorMessage = "Enter the email address you registered with.")]
    [StringLength(254, ErrorMessage = "An email address has at most 254 characters.")]
    [Cers.Email.DeliverableEmail]
    [Display(Name = "Email address")]
    public string Email { get; set; } = "";

    public bool Resent { get; private set; }

    public void OnGet()
    {
        if (TempData[EmailKey] is string registered)
        {
            Email = registered;
        }
    }

    public async Task<IActionResult> OnPostResendAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.Recovery, Email) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        recovery.Queue(RecoveryRequestKind.ActivationResend, Email.Trim());
        Resent = true;
        return Page();
    }
}
