using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Pages.Account.Login;

public sealed class InputModel
{
    [Required(ErrorMessage = "Enter your username.")]
    [RegularExpression("^[A-Za-z0-9]{5,16}$", ErrorMessage = "A CERS username has 5 to 16 letters and digits.")]
    [Display(Name = "Username")]
    public string UserName { get; set; } = "";

    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}
