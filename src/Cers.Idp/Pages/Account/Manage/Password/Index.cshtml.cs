using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Password;

/// <summary>Change password: the current one, then the new one twice, under the same policy as registration.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, PasswordChange passwords, SessionRenewal sessions, AccountRateLimiter limits) : PageModel
{
    public const string ChangedMessage = "Your password was changed. Every other device and application signed in to your account was signed out; we emailed you a notice.";

    public const string WrongPasswordMessage = "Your current password is not correct. After repeated failures your account is locked for 15 minutes.";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your current password.")]
        [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Enter the new password again.")]
        [Compare(nameof(NewPassword), ErrorMessage = "The two passwords do not match.")]
        [DataType(DataType.Password)]
        [Display(Name = "Confirm new password")]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() =>
        await users.ActiveAccountAsync(User) is null ? Forbid() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.AccountChange, account.Id) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        var result = await passwords.ChangeAsync(account, Input.CurrentPassword, Input.NewPassword,
            User.FindFirst(Cers.Idp.Sessions.SessionClaims.SessionId)?.Value, cancellationToken);
        switch (result.Outcome)
        {
            case PasswordChangeOutcome.Changed:
                // The stamp changed: this browser gets a session on the new stamp, the others end.
                await sessions.RenewAsync(HttpContext, (await users.FindByIdAsync(account.Id))!);
                TempData["Status"] = ChangedMessage;
                return RedirectToPage("/Account/Manage/Index");
            case PasswordChangeOutcome.WrongPassword:
                ModelState.AddModelError("Input.CurrentPassword", WrongPasswordMessage);
                return Page();
            case PasswordChangeOutcome.LockedOut:
                ModelState.AddModelError("Input.CurrentPassword", Login.IndexModel.FailureMessage);
                return Page();
            case PasswordChangeOutcome.Busy:
                ModelState.AddModelError(string.Empty, Login.IndexModel.BusyMessage);
                Response.Headers.RetryAfter = "5";
                return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
            default:
                foreach (var error in result.Errors)
                {
                    ModelState.AddModelError("Input.NewPassword", error);
                }

                return Page();
        }
    }
}
