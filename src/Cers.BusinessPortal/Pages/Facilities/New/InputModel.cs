using System.ComponentModel.DataAnnotations;

namespace Cers.BusinessPortal.Pages.Facilities.New;

public sealed class InputModel
{
    [Display(Name = "Facility name")]
    public string? FacilityName { get; set; }

    [Display(Name = "Street address")]
    public string? Street { get; set; }

    [Display(Name = "City")]
    public string? City { get; set; }

    [Display(Name = "ZIP code")]
    public string? Zip { get; set; }

    [Display(Name = "New business name")]
    public string? BusinessName { get; set; }

    [Display(Name = "Or a business you are Lead User of")]
    public string? OrganizationCode { get; set; }

    [Display(Name = "Add it anyway: this is a different facility at the same address")]
    public bool ConfirmDuplicate { get; set; }
}
