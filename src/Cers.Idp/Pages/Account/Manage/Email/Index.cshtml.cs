using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Email;

/// <summary>
/// Change email address: the new address and the current password. The answer is the same whether the
/// address is free or belongs to someone else (their owner is told by email instead).
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, EmailChange change, AccountRateLimiter limits) : PageModel
{
    public const string SentMessage = "We sent a link to the new address. Open it to confirm the change; until then we keep writing to your current address, which we have told about the change.";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the new email address.")]
        [StringLength(254, ErrorMessage = "An email address has at most 254 characters.")]
        [Cers.Email.DeliverableEmail]
        [PlainText]
        [Display(Name = "New email address")]
        public string NewEmail { get; set; } = "";

        [Required(ErrorMessage = "Enter the new email address again.")]
        [Compare(nameof(NewEmail), ErrorMessage = "The two email addresses do not match.")]
        [Display(Name = "Confirm new email address")]
        public string ConfirmEmail { get; set; } = "";

        [Required(ErrorMessage = "Enter your current password.")]
        [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = "";
    }

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

        if (await limits.TryAcquireAsync(AccountLimit.AccountChange, account.Id) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        switch (await change.RequestAsync(account, Input.NewEmail, Input.CurrentPassword, cancellationToken))
        {
            case EmailChangeRequestOutcome.Sent:
                TempData["Status"] = SentMessage;
                return RedirectToPage("/Account/Manage/Index");
            case EmailChangeRequestOutcome.SameAddress:
                ModelState.AddModelError("Input.NewEmail", "This is already your email address.");
                return Page();
            case EmailChangeRequestOutcome.WrongPassword:
                ModelState.AddModelError("Input.CurrentPassword", Password.IndexModel.WrongPasswordMessage);
                return Page();
            case EmailChangeRequestOutcome.LockedOut:
                ModelState.AddModelError("Input.CurrentPassword", Login.IndexModel.FailureMessage);
                return Page();
            default:
                ModelState.AddModelError(string.Empty, Login.IndexModel.BusyMessage);
                Response.Headers.RetryAfter = "5";
                return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
        }
    }
}
