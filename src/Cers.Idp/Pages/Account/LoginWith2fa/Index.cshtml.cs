using System.ComponentModel.DataAnnotations;
using Cers.Idp.Mfa;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Cers.Idp.Pages.Account.LoginWith2fa;

/// <summary>
/// The second sign-in step: a code from the authenticator app, after the password (or, for a signed-in person,
/// when a relying party or the MFA policy asks for a second factor). A link offers a recovery code instead.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(SecondFactorSignIn secondStep, SecondFactors factors, AccountRateLimiter limits) : SecondStepPageModel(secondStep, factors, limits)
{
    public const string WrongAuthenticatorCodeMessage = "That code is not right, or it was already used. Enter the newest code your authenticator app shows.";

    [BindProperty]
    [Required(ErrorMessage = "Enter the 6-digit code from your authenticator app.")]
    [StringLength(20, ErrorMessage = "The code has 6 digits.")]
    [RegularExpression("^[0-9 ]+$", ErrorMessage = "The code has 6 digits.")]
    [Display(Name = "Authenticator code")]
    public override string? Code { get; set; }

    protected override string WrongCodeMessage => WrongAuthenticatorCodeMessage;

    protected override Task<SecondFactorOutcome> CheckAsync(SecondFactorSignIn step, string code, CancellationToken cancellationToken) =>
        step.WithAuthenticatorCodeAsync(code, cancellationToken);
}
