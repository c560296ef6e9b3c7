using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Businesses;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// A regulated facility. <see cref="Street"/>, <see cref="City"/> are kept as entered; the
/// normalized columns beside them are what search compares (see <see cref="AddressNormalizer"/>),
/// so a search never scans raw text.
/// </summary>
public sealed class Facility
{
    /// <summary>8-9 digits from 10000001, allocated from a counter and never reused.</summary>
    public int CersId { get; set; }

    public required string Name { get; set; }

    /// <summary>The street line as entered, e.g. "1234 N. Main Street, Suite 200".</summary>
    public required string Street { get; set; }

    public required string City { get; set; }

    /// <summary>5 digits.</summary>
    public required string Zip { get; set; }

    /// <summary>One of <see cref="CaliforniaCounties.All"/>.</summary>
    public required string County { get; set; }

    public int BusinessId { get; set; }

    public Business? Business { get; set; }

    /// <summary>The regulator of the facility's jurisdiction, resolved when it is stored.</summary>
    public int AgencyId { get; set; }

    public RegulatorAgency? Agency { get; set; }

    public bool IsSampleData { get; set; }

    /// <summary>
    /// UTC, when its regulator archived it as closed. Nothing is deleted: an archived facility keeps its CERS ID and history,
    /// is left out of address search and new requests, and its regulator still finds it by CERS ID.
    /// </summary>
    public DateTime? ArchivedAt { get; set; }

    /// <summary>The house number's digits without leading zeros: "1234".</summary>
    public required string StreetNumber { get; set; }

    /// <summary>The street's core name without directional or suffix, uppercase, no punctuation: "MAIN".</summary>
    public required string StreetName { get; set; }

    /// <summary>USPS directional, before or after the name: "N", "SW".</summary>
    public string? Directional { get; set; }

    /// <summary>USPS street suffix abbreviation: "ST", "BLVD".</summary>
    public string? Suffix { get; set; }

    /// <summary>The unit's identifier without its designator: "200" for "Suite 200" or "#200".</summary>
    public string? Unit { get; set; }

    /// <summary>The city, uppercase, no punctuation, "Saint"/"Mount"/"Fort" abbreviated.</summary>
    public required string CityKey { get; set; }
}
