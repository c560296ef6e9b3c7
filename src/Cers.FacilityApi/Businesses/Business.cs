using Cers.FacilityApi.Facilities;

namespace Cers.FacilityApi.Businesses;

/// <summary>A business (organization) that owns facilities and whose users report for them.</summary>
public sealed class Business
{
    public int Id { get; set; }

    /// <summary>CERS organization code: 8 digits, unique, allocated from a counter so it is never reused.</summary>
    public required string OrganizationCode { get; set; }

    public required string Name { get; set; }

    /// <summary>Whom the regulator calls about the business; its Lead Users edit these.</summary>
    public string? ContactName { get; set; }

    public string? ContactEmail { get; set; }

    public string? ContactPhone { get; set; }

    /// <summary>Generated for development and demonstrations.</summary>
    public bool IsSampleData { get; set; }

    public List<Facility> Facilities { get; set; } = [];
}
