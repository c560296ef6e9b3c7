using System.ComponentModel.DataAnnotations;
using Cers.Idp.Passkeys;

namespace Cers.Idp.Pages.Account.LoginWithPasskey;

public sealed class InputModel
{
    /// <summary>The username typed at the first step; empty for the second step after a password.</summary>
    [RegularExpression("^[A-Za-z0-9]{5,16}$", ErrorMessage = "A CERS username has 5 to 16 letters and digits.")]
    [Display(Name = "Username")]
    public string? UserName { get; set; }

    public string? ReturnUrl { get; set; }

    /// <summary>The browser's answer, <c>JSON.stringify</c> of the PublicKeyCredential.</summary>
    [StringLength(PasskeyCeremonies.MaxCredentialLength, ErrorMessage = "The passkey's answer is too long.")]
    public string? Credential { get; set; }

    [StringLength(PasskeyCeremonies.MaxStateLength, ErrorMessage = "The sign-in form is damaged; start again.")]
    public string? State { get; set; }
}
