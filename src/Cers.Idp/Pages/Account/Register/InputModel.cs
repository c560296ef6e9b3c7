using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;

namespace Cers.Idp.Pages.Account.Register;

/// <summary>The Create New Account form (the profile fields are <see cref="ProfileFields"/>). Shape rules only; the password policy and uniqueness are the registration's.</summary>
public sealed class InputModel : ProfileFields
{
    [Required(ErrorMessage = "Enter a username.")]
    [RegularExpression("^[A-Za-z0-9]{5,16}$", ErrorMessage = "A username has 5 to 16 letters and digits, with no spaces or symbols.")]
    [Display(Name = "Username")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your email address.")]
    [StringLength(254, ErrorMessage = "An email address has at most 254 characters.")]
    [Cers.Email.DeliverableEmail]
    [PlainText]
    [Display(Name = "Email address")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your email address again.")]
    [Compare(nameof(Email), ErrorMessage = "The two email addresses do not match.")]
    [Display(Name = "Confirm email address")]
    public string ConfirmEmail { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Enter the password again.")]
    [Compare(nameof(Password), ErrorMessage = "The two passwords do not match.")]
    [DataType(DataType.Password)]
    [Display(Name = "Confirm password")]
    public string ConfirmPassword { get; set; } = "";

    /// <summary>One of the generated phrases the page offered (see <see cref="Cers.Idp.SignIn.ProtectionPhrases"/>).</summary>
    [Required(ErrorMessage = "Choose a password protection phrase.")]
    [Cers.Idp.SignIn.GeneratedPhrase]
    [Display(Name = "Password protection phrase")]
    public string ProtectionPhrase { get; set; } = "";

    [Range(typeof(bool), "true", "true", ErrorMessage = "Agree to the Conditions of Use to create an account.")]
    [Display(Name = "I have read and agree to the CERS Conditions of Use")]
    public bool AcceptConditions { get; set; }

    /// <summary>Hidden from people (and from assistive technology); only bots fill it in.</summary>
    public string? Website { get; set; }
}
