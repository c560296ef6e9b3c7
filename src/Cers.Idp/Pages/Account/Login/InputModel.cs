using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Pages.Account.Login;

public sealed class InputModel
{
    [Required(ErrorMessage = "Enter your username.")]
    [StringLength(16, ErrorMessage = "A CERS username has at most 16 characters.")]
    [Display(Name = "Username")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(128, ErrorMessage = "A password has at most 128 characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    public string? ReturnUrl { get; set; }
}
