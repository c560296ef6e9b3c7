namespace Cers.FacilityApi.Agencies;

/// <summary>
/// Where an agency regulates: a whole county (<see cref="City"/> null) or one city inside it. A
/// city's own agency wins over its county's (see <see cref="JurisdictionResolver"/>).
/// </summary>
public sealed class AgencyJurisdiction
{
    public int Id { get; set; }

    public int AgencyId { get; set; }

    public RegulatorAgency? Agency { get; set; }

    /// <summary>One of <see cref="CaliforniaCounties.All"/>.</summary>
    public required string County { get; set; }

    /// <summary>The city as written, or null for the whole county.</summary>
    public string? City { get; set; }

    /// <summary><see cref="City"/> as <see cref="Facilities.AddressNormalizer.NormalizeCity"/> keys it; null for the whole county.</summary>
    public string? CityKey { get; set; }
}
