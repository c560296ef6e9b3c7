using Cers.Idp.Accounts;
using Cers.Idp.Passkeys;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Passkeys;

/// <summary>
/// My Account, Passkeys: the account's passkeys with their names and when each was added; add one (a name, then the
/// password again unless the sign-in is recent, then the browser's passkey prompt), rename one, remove one.
/// Everything but the browser's prompt works without script.
/// </summary>
[Authorize]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(
    PasskeyRegistration registration,
    UserManager<CersUser> users,
    SignInManager<CersUser> signIn,
    AccountRateLimiter limits) : PageModel
{
    public const string NotAddedMessage =
        "The passkey was not added: your browser's answer could not be checked, or it took too long. Try again.";

    public const string WrongPasswordMessage = "The password is not correct.";

    public const string LastFactorMessage = "Your role requires a second factor and this passkey is your only one, so it cannot be removed. " +
        "Add another passkey or an authenticator app first, or ask CERS Technical Support to reset your sign-in factors if you lost it.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty]
    public PasskeyChangeModel Change { get; set; } = new();

    public IReadOnlyList<PasskeySummary> Passkeys { get; private set; } = [];

    /// <summary>Set once a passkey may be created: the options for <c>navigator.credentials.create</c>, as JSON.</summary>
    public string? OptionsJson { get; private set; }

    /// <summary>Set when the sign-in is too old to add a passkey: the page asks for the password first.</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>What the last change did, shown by My Account's layout.</summary>
    [TempData]
    public string? Status { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Passkeys = await registration.ListAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostBeginAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Only("Input.Name");
        if (ModelState.IsValid)
        {
            if (registration.SignedInRecently(User))
            {
                await ChallengeAsync(user);
            }
            else
            {
                NeedsPassword = true;
            }
        }

        Passkeys = await registration.ListAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Only("Input.Name", "Input.Password");
        NeedsPassword = true;
        if (string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError("Input.Password", "Enter your password.");
        }

        if (ModelState.IsValid)
        {
            if (await limits.TryAcquireAsync(AccountLimit.AccountChange, user.Id) is { } retryAfter)
            {
                return this.TooManyAttempts(retryAfter);
            }

            // Counts toward lockout like any wrong password: a borrowed session is no place to guess it.
            var checkedPassword = await signIn.CheckPasswordSignInAsync(user, Input.Password!, lockoutOnFailure: true);
            if (checkedPassword.Succeeded)
            {
                NeedsPassword = false;
                await ChallengeAsync(user);
            }
            else
            {
                ModelState.AddModelError("Input.Password", WrongPasswordMessage);
            }
        }

        Input.Password = null;
        Passkeys = await registration.ListAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostCompleteAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Only("Input.Name", "Input.Credential", "Input.State");
        if (ModelState.IsValid && Input is { Credential.Length: > 0, State.Length: > 0 })
        {
            var outcome = await registration.CompleteAsync(user, Input.Name, Input.State, Input.Credential, HttpContext, cancellationToken);
            if (outcome == PasskeyChangeOutcome.Done)
            {
                Status = $"The passkey \"{Input.Name.Trim()}\" was added. You can now use it to sign in.";
                return RedirectToPage();
            }
        }

        if (ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, NotAddedMessage);
        }

        Passkeys = await registration.ListAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Only("Change.Id", "Change.Name");
        if (ModelState.IsValid)
        {
            if (await registration.RenameAsync(user, Change.Id, Change.Name!, cancellationToken) == PasskeyChangeOutcome.Done)
            {
                Status = $"The passkey is now named \"{Change.Name!.Trim()}\".";
                return RedirectToPage();
            }

            return NotFound();
        }

        Passkeys = await registration.ListAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        Only("Change.Id");
        var outcome = ModelState.IsValid ? await registration.RemoveAsync(user, Change.Id, cancellationToken) : PasskeyChangeOutcome.NotFound;
        if (outcome == PasskeyChangeOutcome.RequiredByPolicy)
        {
            ModelState.AddModelError(string.Empty, LastFactorMessage);
            Passkeys = await registration.ListAsync(user);
            return Page();
        }

        if (outcome != PasskeyChangeOutcome.Done)
        {
            return NotFound();
        }

        Status = "The passkey was removed. It can no longer be used to sign in to CERS.";
        return RedirectToPage();
    }

    private async Task ChallengeAsync(CersUser user)
    {
        var challenge = await registration.BeginAsync(user, HttpContext);
        (OptionsJson, Input.State, Input.Credential) = (challenge.OptionsJson, challenge.State, null);
        ModelState.Remove("Input.State");
        ModelState.Remove("Input.Credential");
    }

    /// <summary>Keeps the validation results of the fields this handler reads; the page's other forms post nothing for the rest.</summary>
    private void Only(params string[] fields)
    {
        foreach (var key in ModelState.Keys.Where(k => !fields.Contains(k, StringComparer.Ordinal)).ToList())
        {
            ModelState.Remove(key);
        }
    }
}
