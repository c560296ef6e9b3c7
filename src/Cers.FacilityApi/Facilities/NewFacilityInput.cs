using System.ComponentModel;

namespace Cers.FacilityApi.Facilities;

public sealed record NewFacilityInput(
    [property: Description("The facility's name (at most 200 characters).")] string? FacilityName,
    [property: Description("The street line, starting with the house number: \"1234 N Main St Ste 5\" (at most 200 characters).")] string? Street,
    [property: Description("The city; its county and regulator agency are resolved from it.")] string? City,
    [property: Description("5-digit ZIP, or ZIP+4.")] string? Zip,
    [property: Description("The name of a new business to create; give this or organizationCode.")] string? BusinessName,
    [property: Description("An existing business the caller is an active Lead User of; give this or businessName.")] string? OrganizationCode,
    [property: Description("true to add the facility although one is already at the same address (after a 409 duplicate_address).")] bool? ConfirmDuplicate);

/// <summary>The facility just added, its business and its regulator.</summary>
public sealed record NewFacilityView(int CersId, string OrganizationCode, string BusinessName, string County, string AgencyCode, string AgencyName);
