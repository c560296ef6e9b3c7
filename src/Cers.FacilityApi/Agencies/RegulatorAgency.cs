namespace Cers.FacilityApi.Agencies;

public enum AgencyKind
{
    /// <summary>Certified Unified Program Agency: the regulator of record for its jurisdiction.</summary>
    Cupa,

    /// <summary>A local agency that runs some programs under a CUPA's agreement.</summary>
    ParticipatingAgency,
}

/// <summary>
/// A local regulator (CUPA or Participating Agency). Its <see cref="Code"/> is what regulator
/// tokens carry in their <c>cupa</c> claim, e.g. <c>SAC-EMD</c>.
/// </summary>
public sealed class RegulatorAgency
{
    public int Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public AgencyKind Kind { get; set; }

    /// <summary>The county the agency sits in; its jurisdictions say where it regulates.</summary>
    public required string County { get; set; }

    public string? ContactEmail { get; set; }

    public string? ContactPhone { get; set; }

    /// <summary>Generated for development and demonstrations; never a real agency's record.</summary>
    public bool IsSampleData { get; set; }

    public List<AgencyJurisdiction> Jurisdictions { get; set; } = [];
}
