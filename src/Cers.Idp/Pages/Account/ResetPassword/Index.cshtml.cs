using System.ComponentModel.DataAnnotations;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.ResetPassword;

/// <summary>The reset link's page: a new password, once. A used, expired or altered link gets a page saying so.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountRecovery recovery, AccountRateLimiter limits) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string Password { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter the new password again.")]
    [Compare(nameof(Password), ErrorMessage = "The two passwords do not match.")]
    [DataType(DataType.Password)]
    [Display(Name = "Confirm new password")]
    public string ConfirmPassword { get; set; } = "";

    public bool LinkInvalid { get; private set; }

    public bool Done { get; private set; }

    public async Task OnGetAsync() => LinkInvalid = !await recovery.IsResetLinkValidAsync(Id, Token);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            LinkInvalid = !await recovery.IsResetLinkValidAsync(Id, Token);
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.Recovery, "reset:" + Id) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        var result = await recovery.ResetAsync(Id, Token, Password, cancellationToken);
        switch (result.Outcome)
        {
            case PasswordResetOutcome.Reset:
                Done = true;
                break;
            case PasswordResetOutcome.PasswordRejected:
                foreach (var error in result.PasswordErrors)
                {
                    ModelState.AddModelError(nameof(Password), error);
                }

                break;
            default:
                LinkInvalid = true;
                break;
        }

        return Page();
    }
}
