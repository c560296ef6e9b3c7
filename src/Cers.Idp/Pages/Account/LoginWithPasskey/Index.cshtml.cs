using Cers.Idp.Passkeys;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using LoginPage = Cers.Idp.Pages.Account.Login.IndexModel;

namespace Cers.Idp.Pages.Account.LoginWithPasskey;

/// <summary>
/// Sign in with a passkey: passwordless, from the second step of the sign-in page where the username is known
/// (<c>POST ?handler=Begin</c> with it), or as the second step after a correct password (<c>GET</c>, with Identity's
/// two-factor cookie). The page holds the WebAuthn options and the sealed challenge; a small script
/// (<c>/js/passkeys.js</c>) asks the browser for the passkey and posts its answer back. Every failure answers with
/// one message, whatever the reason and whether or not the username exists.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(PasskeySignIn passkeys, AccountRateLimiter limits) : PageModel
{
    public const string FailureMessage =
        "That passkey did not sign you in. Try again, or use your password; an account is locked for 15 minutes after repeated failures.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The options for <c>navigator.credentials.get</c>, as JSON.</summary>
    public string? OptionsJson { get; private set; }

    /// <summary>True for the second step after a password, false for passwordless sign-in.</summary>
    public bool SecondStep { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        Input.ReturnUrl = returnUrl;
        return await SecondStepChallengeAsync() ? Page() : RedirectToLogin();
    }

    public async Task<IActionResult> OnPostBeginAsync()
    {
        Ignore(nameof(InputModel.Credential), nameof(InputModel.State));
        if (string.IsNullOrEmpty(Input.UserName) || !ModelState.IsValid)
        {
            return RedirectToLogin();
        }

        await PasswordlessChallengeAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCompleteAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Input.UserName) || ModelState.GetFieldValidationState("Input.UserName") != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Valid)
        {
            return RedirectToLogin();
        }

        if (await limits.TryAcquireAsync(AccountLimit.SignIn, Input.UserName) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        var outcome = ModelState.IsValid && Input is { Credential.Length: > 0, State.Length: > 0 }
            ? await passkeys.CompletePasswordlessAsync(Input.UserName.Trim(), Input.State, Input.Credential, HttpContext, cancellationToken)
            : PasskeySignInOutcome.Failed;
        if (outcome == PasskeySignInOutcome.SignedIn)
        {
            return SignedIn();
        }

        Explain(outcome);
        await PasswordlessChallengeAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken cancellationToken)
    {
        if (await passkeys.PasswordStepUserAsync() is not { } user)
        {
            return RedirectToLogin();
        }

        if (await limits.TryAcquireAsync(AccountLimit.SignIn, user.UserName!) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        var outcome = ModelState.IsValid && Input is { Credential.Length: > 0, State.Length: > 0 }
            ? await passkeys.CompleteSecondStepAsync(Input.State, Input.Credential, HttpContext, cancellationToken)
            : PasskeySignInOutcome.Failed;
        switch (outcome)
        {
            case PasskeySignInOutcome.SignedIn:
                return SignedIn();
            case PasskeySignInOutcome.NoPasswordStep:
                return RedirectToLogin();
        }

        Explain(outcome);
        return await SecondStepChallengeAsync() ? Page() : RedirectToLogin();
    }

    private async Task PasswordlessChallengeAsync()
    {
        var challenge = await passkeys.BeginPasswordlessAsync(Input.UserName!, HttpContext);
        (OptionsJson, Input.State, Input.Credential) = (challenge.OptionsJson, challenge.State, null);
        ModelState.Remove("Input.State");
        ModelState.Remove("Input.Credential");
    }

    private async Task<bool> SecondStepChallengeAsync()
    {
        SecondStep = true;
        if (await passkeys.BeginSecondStepAsync(HttpContext) is not { } challenge)
        {
            return false;
        }

        (OptionsJson, Input.State, Input.Credential, Input.UserName) = (challenge.OptionsJson, challenge.State, null, null);
        ModelState.Remove("Input.State");
        ModelState.Remove("Input.Credential");
        return true;
    }

    private void Explain(PasskeySignInOutcome outcome) =>
        ModelState.AddModelError(string.Empty, outcome == PasskeySignInOutcome.Disabled ? LoginPage.DisabledMessage : FailureMessage);

    private void Ignore(params string[] fields)
    {
        foreach (var field in fields)
        {
            ModelState.Remove("Input." + field);
        }
    }

    // Only local return URLs: anything else would make this page an open redirector.
    private LocalRedirectResult SignedIn() => Url.IsLocalUrl(Input.ReturnUrl) ? LocalRedirect(Input.ReturnUrl) : LocalRedirect("~/");

    private RedirectToPageResult RedirectToLogin() =>
        RedirectToPage("/Account/Login/Index", new { returnUrl = Url.IsLocalUrl(Input.ReturnUrl) ? Input.ReturnUrl : null });
}
