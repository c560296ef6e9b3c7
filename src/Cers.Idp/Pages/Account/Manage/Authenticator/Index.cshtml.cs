using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.Mfa;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Authenticator;

/// <summary>
/// My Account, authenticator app: enrol one (QR code drawn on the server, the key as text, confirmed with a
/// code, then ten recovery codes shown once), or turn it off with the password or a code. Accounts whose role
/// requires a second factor are sent here by the authorize endpoint, with the relying party's return URL.
/// </summary>
[Authorize]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, AuthenticatorEnrolment enrolment, SecondFactors factors) : PageModel
{
    public const string WrongCodeMessage = "That code is not right. Enter the newest 6-digit code your authenticator app shows for CERS.";
    public const string NotProvedMessage = "Enter your current password or a code from your authenticator app; what you entered is not right.";
    public const string RequiredMessage = "Your role requires a second factor, so your authenticator app cannot be turned off. Ask CERS Technical Support to reset your sign-in factors if you lost it.";

    public sealed class ConfirmInput
    {
        [Display(Name = "Code from your app")]
        public string? Code { get; set; }
    }

    public sealed class RemoveInput
    {
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string? Password { get; set; }

        [Display(Name = "Or a code from your app")]
        public string? Code { get; set; }
    }

    [BindProperty]
    public ConfirmInput Confirm { get; set; } = new();

    [BindProperty]
    public RemoveInput Remove { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Enrolled { get; private set; }

    public bool Required { get; private set; }

    public AuthenticatorSetup? Setup { get; private set; }

    public string? QrCode { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Set once, right after enrolment: the recovery codes to write down.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string? Message { get; private set; }

    /// <summary>Where "Continue" goes: back to the relying party's sign-in when it sent the person here.</summary>
    public string ContinueUrl => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/Account/Manage";

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

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (Rfc6238.Normalize(Confirm.Code) is null)
        {
            ModelState.AddModelError("Confirm.Code", "Enter the 6-digit code your authenticator app shows for CERS.");
        }
        else if (await enrolment.ConfirmAsync(user, Confirm.Code, SecondFactors.MethodsOf(User), cancellationToken) is { } codes)
        {
            RecoveryCodes = codes;
            Enrolled = true;
            return Page();
        }
        else
        {
            ModelState.AddModelError("Confirm.Code", WrongCodeMessage);
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (string.IsNullOrEmpty(Remove.Password) && string.IsNullOrEmpty(Remove.Code))
        {
            ModelState.AddModelError("Remove.Password", "Enter your current password, or a code from your app.");
        }
        else if (Remove.Password is { Length: > 128 })
        {
            ModelState.AddModelError("Remove.Password", "A password has at most 128 characters.");
        }
        else
        {
            switch (await enrolment.RemoveAsync(user, Remove.Password, Remove.Code, cancellationToken))
            {
                case AuthenticatorRemoval.Removed:
                case AuthenticatorRemoval.NotEnrolled:
                    Message = "Your authenticator app was turned off. Signing in asks for your password only.";
                    break;
                case AuthenticatorRemoval.RequiredByPolicy:
                    ModelState.AddModelError("Remove.Password", RequiredMessage);
                    break;
                default:
                    ModelState.AddModelError("Remove.Password", NotProvedMessage);
                    break;
            }
        }

        await LoadAsync((await users.FindByIdAsync(user.Id))!);
        return Page();
    }

    private async Task LoadAsync(CersUser user)
    {
        Enrolled = await factors.HasAuthenticatorAsync(user);
        Required = await factors.IsRequiredForAsync(user);
        if (Enrolled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
            return;
        }

        Setup = await enrolment.SetupAsync(user);
        QrCode = QrCodeSvg.Render(Setup.Uri, "QR code to add CERS to your authenticator app");
    }
}
