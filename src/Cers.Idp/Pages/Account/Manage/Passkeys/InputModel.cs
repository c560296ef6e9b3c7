using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.Passkeys;

namespace Cers.Idp.Pages.Account.Manage.Passkeys;

public sealed class InputModel
{
    [Required(ErrorMessage = "Enter a name for the passkey, such as the device it is on.")]
    [StringLength(PasskeyRegistration.MaxNameLength, ErrorMessage = "A passkey's name has at most 50 characters.")]
    [PlainText]
    [Display(Name = "Passkey name")]
    public string Name { get; set; } = "";

    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    [StringLength(PasskeyCeremonies.MaxCredentialLength, ErrorMessage = "The passkey's answer is too long.")]
    public string? Credential { get; set; }

    [StringLength(PasskeyCeremonies.MaxStateLength, ErrorMessage = "The form is damaged; start again.")]
    public string? State { get; set; }
}

/// <summary>Rename or remove one passkey, named by its credential id.</summary>
public sealed class PasskeyChangeModel
{
    [Required]
    [StringLength(2_048)]
    public string Id { get; set; } = "";

    [Required(ErrorMessage = "Enter a name for the passkey.")]
    [StringLength(PasskeyRegistration.MaxNameLength, ErrorMessage = "A passkey's name has at most 50 characters.")]
    [PlainText]
    [Display(Name = "New name")]
    public string? Name { get; set; }
}
