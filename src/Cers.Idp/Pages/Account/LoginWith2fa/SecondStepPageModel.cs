using Cers.Idp.Mfa;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.LoginWith2fa;

/// <summary>
/// What the two second-step pages (authenticator code, recovery code) share: a step waiting for the person (or
/// their session, for a step-up), the per-account limit on attempts, and where each outcome leads. Each page
/// supplies its field (validated by its attributes), its check and its wrong-code message.
/// </summary>
public abstract class SecondStepPageModel(SecondFactorSignIn secondStep, SecondFactors factors, AccountRateLimiter limits) : PageModel
{
    public const string LockedOutMessage = "The account is locked after repeated failures. It opens again after 15 minutes.";
    public const string ExpiredMessage = "Your sign-in took too long. Please sign in again.";

    public abstract string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Expired { get; private set; }

    /// <summary>Whether the account waiting for its second step has a passkey it may use instead.</summary>
    public bool HasPasskey { get; private set; }

    protected abstract string WrongCodeMessage { get; }

    protected abstract Task<SecondFactorOutcome> CheckAsync(SecondFactorSignIn step, string code, CancellationToken cancellationToken);

    public async Task<IActionResult> OnGetAsync()
    {
        var pending = await secondStep.PendingAsync();
        Expired = pending is null;
        HasPasskey = pending is var (user, _) && await factors.HasPasskeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await secondStep.PendingAsync() is not var (user, _))
        {
            Expired = true;
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.SecondFactor, user.Id) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        switch (await CheckAsync(secondStep, Code!, cancellationToken))
        {
            case SecondFactorOutcome.SignedIn:
                // Only local return URLs: anything else would make this page an open redirector.
                return Url.IsLocalUrl(ReturnUrl) ? LocalRedirect(ReturnUrl) : LocalRedirect("~/");
            case SecondFactorOutcome.LockedOut:
                ModelState.AddModelError(nameof(Code), LockedOutMessage);
                return Page();
            case SecondFactorOutcome.NoPendingSignIn:
                Expired = true;
                return Page();
            default:
                ModelState.AddModelError(nameof(Code), WrongCodeMessage);
                return Page();
        }
    }
}
