using System.ComponentModel.DataAnnotations;

namespace Cers.BusinessPortal.Pages.AccessRequests.New;

public sealed class InputModel
{
    public int CersId { get; set; }

    [Display(Name = "Phone number")]
    public string? Phone { get; set; }

    [Display(Name = "Your title")]
    public string? Title { get; set; }

    [Display(Name = "Role you need")]
    public string? RequestedRole { get; set; }
}
