using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Accounts;

/// <summary>
/// The profile a person gives at Create New Account and keeps up in My Account, with one set of shape
/// rules for both forms: names and title are plain text, the phone number a phone number.
/// </summary>
public abstract class ProfileFields
{
    [Required(ErrorMessage = "Enter your first name.")]
    [StringLength(50, ErrorMessage = "A first name has at most 50 characters.")]
    [PlainText]
    [Display(Name = "First name")]
    public string FirstName { get; set; } = "";

    [Required(ErrorMessage = "Enter your last name.")]
    [StringLength(50, ErrorMessage = "A last name has at most 50 characters.")]
    [PlainText]
    [Display(Name = "Last name")]
    public string LastName { get; set; } = "";

    [StringLength(Cers.Contracts.PhoneNumbers.MaxLength, ErrorMessage = "A phone number has at most 30 characters.")]
    [RegularExpression(Cers.Contracts.PhoneNumbers.Pattern, ErrorMessage = Cers.Contracts.PhoneNumbers.Example)]
    [Display(Name = "Phone (optional)")]
    public string? Phone { get; set; }

    [StringLength(100, ErrorMessage = "A title has at most 100 characters.")]
    [PlainText]
    [Display(Name = "Title (optional)")]
    public string? Title { get; set; }
}
