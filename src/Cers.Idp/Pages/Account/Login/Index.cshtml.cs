using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Login;

/// <summary>
/// Two-step sign-in: the username first, then the account's protection phrase with the password
/// field ("if you don't see your phrase, don't enter your password"). Unknown usernames get a
/// stable decoy phrase; every failure gets one message; anti-forgery is checked on every POST.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(PasswordSignIn passwordSignIn, ProtectionPhrases phrases, AccountRateLimiter limits) : PageModel
{
    public const string FailureMessage =
        "The username or password is not correct, or the account is locked after repeated failures. "
        + "Check them and try again; a locked account opens again after 15 minutes.";

    public const string BusyMessage = "CERS is handling many sign-ins right now. Please wait a few seconds and try again.";

    public const string DisabledMessage = "This account has been disabled. Contact CERS Technical Support to have it enabled again.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Set on the second step: the phrase to show above the password field.</summary>
    public string? ProtectionPhrase { get; private set; }

    /// <summary>Set when the password was right but the account still waits for activation.</summary>
    public string? PendingActivationEmail { get; private set; }

    public void OnGet(string? returnUrl) => Input.ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostUserNameAsync(CancellationToken cancellationToken)
    {
        ModelState.Remove("Input.Password");
        if (!ModelState.IsValid)
        {
            return Page();
        }

        ProtectionPhrase = await phrases.ForUserNameAsync(Input.UserName, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", "Enter your password.");
        }

        if (!ModelState.IsValid)
        {
            if (ModelState.GetFieldValidationState("Input.UserName") == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Valid)
            {
                ProtectionPhrase = await phrases.ForUserNameAsync(Input.UserName, cancellationToken);
            }

            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.SignIn, Input.UserName) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        var result = await passwordSignIn.SignInAsync(Input.UserName.Trim(), Input.Password!, cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                // Only local return URLs: anything else would make this page an open redirector.
                return Url.IsLocalUrl(Input.ReturnUrl) ? LocalRedirect(Input.ReturnUrl) : LocalRedirect("~/");
            case SignInOutcome.SecondFactorRequired:
                return LocalRedirect(result.SecondStepPage!
                    + (Url.IsLocalUrl(Input.ReturnUrl) ? QueryString.Create("returnUrl", Input.ReturnUrl) : QueryString.Empty));
            case SignInOutcome.Busy:
                ModelState.AddModelError(string.Empty, BusyMessage);
                ProtectionPhrase = await phrases.ForUserNameAsync(Input.UserName, cancellationToken);
                Response.Headers.RetryAfter = "5";
                return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
            case SignInOutcome.PendingActivation:
                PendingActivationEmail = result.PendingEmail;
                return Page();
            case SignInOutcome.Disabled:
                ModelState.AddModelError(string.Empty, DisabledMessage);
                return Page();
            default:
                ModelState.AddModelError(string.Empty, FailureMessage);
                ProtectionPhrase = await phrases.ForUserNameAsync(Input.UserName, cancellationToken);
                return Page();
        }
    }
}
