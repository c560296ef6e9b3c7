using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Facilities;

namespace Cers.FacilityApi.Transfers;

public enum TransferStatus
{
    Pending,
    Approved,
    Denied,
    Withdrawn,
}

/// <summary>
/// A facility's move to another business, or to another address, or both: asked by a Lead User of the receiving business
/// (for an address change, the facility's own business) and decided by the facility's regulator, or made at once by that
/// regulator. The CERS ID stays with the facility. At most one pending transfer per facility (a filtered unique index).
/// </summary>
public sealed class FacilityTransfer
{
    public long Id { get; set; }

    public int FacilityCersId { get; set; }

    public Facility? Facility { get; set; }

    /// <summary>The business that had the facility when the transfer was asked.</summary>
    public int FromBusinessId { get; set; }

    public Business? FromBusiness { get; set; }

    /// <summary>The receiving business; the same as <see cref="FromBusinessId"/> for an address change alone.</summary>
    public int ToBusinessId { get; set; }

    public Business? ToBusiness { get; set; }

    /// <summary>The new street line, city and ZIP as entered, when the address changes; resolved again when it is decided.</summary>
    public string? NewStreet { get; set; }

    public string? NewCity { get; set; }

    public string? NewZip { get; set; }

    /// <summary>The regulator that decides it: the facility's agency when it was asked.</summary>
    public int AgencyId { get; set; }

    public RegulatorAgency? Agency { get; set; }

    public TransferStatus Status { get; set; }

    public required string RequestedBySubject { get; set; }

    public required string RequestedByName { get; set; }

    /// <summary>Set when a regulator started it.</summary>
    public string? RequestedByAgencyCode { get; set; }

    /// <summary>Why it is asked; shown to the regulator.</summary>
    public string? Note { get; set; }

    public string? DecidedBySubject { get; set; }

    public string? DecidedByName { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? DecidedAt { get; set; }

    /// <summary>Required on denial; shown to whoever asked.</summary>
    public string? Reason { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Incremented by every change: of two simultaneous decisions exactly one wins.</summary>
    public int Version { get; set; }
}
