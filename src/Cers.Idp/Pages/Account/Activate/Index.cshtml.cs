using System.ComponentModel.DataAnnotations;
using Cers.Idp.Activation;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Activate;

/// <summary>
/// The activation email's link. Opening it only checks the link and shows which username it activates;
/// the button (a POST with anti-forgery) activates, with the password chosen at registration. Mail
/// systems that fetch every link in an email (link scanners) activate nothing, and nobody can activate an
/// account someone else registered with their address. Every outcome is a page that says what to do next;
/// none is an error status.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountActivation activation, AccountRateLimiter limits) : PageModel
{
    public const string WrongPasswordMessage =
        "That is not the password chosen for this account. Enter the password you chose when you created it.";

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "Enter the password you chose when you created the account.")]
    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    public ActivationOutcome Outcome { get; private set; }

    /// <summary>The username the link activates, shown before the button.</summary>
    public string? UserName { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        (Outcome, UserName) = await activation.CheckAsync(Id, Token, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        (Outcome, UserName) = await activation.CheckAsync(Id, Token, cancellationToken);
        if (Outcome != ActivationOutcome.Ready || !ModelState.IsValid)
        {
            return Page();
        }

        if (await limits.TryAcquireAsync(AccountLimit.Recovery, "activate:" + Id) is { } retryAfter)
        {
            return this.TooManyAttempts(retryAfter);
        }

        Outcome = await activation.ActivateAsync(Id, Token, Password, cancellationToken);
        switch (Outcome)
        {
            case ActivationOutcome.WrongPassword:
                ModelState.AddModelError(nameof(Password), WrongPasswordMessage);
                Outcome = ActivationOutcome.Ready;
                break;
            case ActivationOutcome.Busy:
                ModelState.AddModelError(string.Empty, Login.IndexModel.BusyMessage);
                Outcome = ActivationOutcome.Ready;
                Response.Headers.RetryAfter = "5";
                return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
        }

        return Page();
    }
}
