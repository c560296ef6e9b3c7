using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Login;

/// <summary>
/// The plain sign-in page: username and password, anti-forgery checked on POST (Razor Pages
/// validate the token on every unsafe request), one message for every failure so it reveals
/// nothing about which accounts exist or are locked.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(PasswordSignIn passwordSignIn) : PageModel
{
    public const string FailureMessage =
        "The username or password is not correct, or the account is locked after repeated failures. "
        + "Check them and try again; a locked account opens again after 15 minutes.";

    public const string BusyMessage = "CERS is handling many sign-ins right now. Please wait a few seconds and try again.";

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet(string? returnUrl) => Input.ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await passwordSignIn.SignInAsync(Input.UserName.Trim(), Input.Password, cancellationToken);
        if (outcome == SignInOutcome.Busy)
        {
            ModelState.AddModelError(string.Empty, BusyMessage);
            Response.Headers.RetryAfter = "5";
            return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
        }

        if (outcome != SignInOutcome.SignedIn)
        {
            ModelState.AddModelError(string.Empty, FailureMessage);
            return Page();
        }

        // Only local return URLs: anything else would make this page an open redirector.
        return Url.IsLocalUrl(Input.ReturnUrl) ? LocalRedirect(Input.ReturnUrl) : LocalRedirect("~/");
    }
}
