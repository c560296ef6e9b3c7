using System.ComponentModel.DataAnnotations;
using Cers.Idp.Mfa;
using Cers.Idp.Pages.Account.LoginWith2fa;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;

namespace Cers.Idp.Pages.Account.LoginWithRecoveryCode;

/// <summary>The second sign-in step with one of the account's recovery codes; each works once.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(SecondFactorSignIn secondStep, SecondFactors factors, AccountRateLimiter limits) : SecondStepPageModel(secondStep, factors, limits)
{
    public const string WrongRecoveryCodeMessage = "That recovery code is not right, or it was already used.";

    [BindProperty]
    [Required(ErrorMessage = "Enter one of your recovery codes.")]
    [StringLength(20, ErrorMessage = "A recovery code has 11 characters, such as ABCDE-12345.")]
    [RegularExpression("^[A-Za-z0-9 -]+$", ErrorMessage = "A recovery code has letters, digits and a dash, such as ABCDE-12345.")]
    [Display(Name = "Recovery code")]
    public override string? Code { get; set; }

    protected override string WrongCodeMessage => WrongRecoveryCodeMessage;

    protected override Task<SecondFactorOutcome> CheckAsync(SecondFactorSignIn step, string code, CancellationToken cancellationToken) =>
        step.WithRecoveryCodeAsync(code, cancellationToken);
}
