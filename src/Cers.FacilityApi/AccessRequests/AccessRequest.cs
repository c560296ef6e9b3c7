using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;

namespace Cers.FacilityApi.AccessRequests;

public enum AccessRequestStatus
{
    Pending,
    Approved,
    Denied,
    Withdrawn,
    Expired,
}

/// <summary>Who decides a request: the business's active Lead Users, or the regulator of the facility.</summary>
public enum AccessRequestRoute
{
    LeadUser,
    Regulator,
}

/// <summary>
/// A user's request for a role in a business, found through one of its facilities. One pending
/// request per user and business (a filtered unique index); every change is also written to
/// <see cref="AccessRequestEvent"/>.
/// </summary>
public sealed class AccessRequest
{
    public long Id { get; set; }

    /// <summary>The requester's <c>sub</c>.</summary>
    public required string RequesterSubject { get; set; }

    public required string RequesterName { get; set; }

    public required string RequesterEmail { get; set; }

    public string? RequesterPhone { get; set; }

    public string? RequesterTitle { get; set; }

    public int BusinessId { get; set; }

    public Business? Business { get; set; }

    /// <summary>The facility the requester found the business through.</summary>
    public int? FacilityCersId { get; set; }

    public Facility? Facility { get; set; }

    public MembershipRole RequestedRole { get; set; }

    public AccessRequestStatus Status { get; set; }

    public AccessRequestRoute Route { get; set; }

    /// <summary>The regulator that may decide it: always the facility's agency, and the only decider when routed there.</summary>
    public int? AgencyId { get; set; }

    public RegulatorAgency? Agency { get; set; }

    public string? DecidedBySubject { get; set; }

    public string? DecidedByName { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? DecidedAt { get; set; }

    /// <summary>
    /// A regulator decided it while it waited for the business's Lead Users: an override, which those
    /// Lead Users were emailed about.
    /// </summary>
    public bool DecidedAsOverride { get; set; }

    public MembershipRole? GrantedRole { get; set; }

    /// <summary>Required on denial; shown to the requester.</summary>
    public string? Reason { get; set; }

    /// <summary>UTC, when approvers were last reminded (the reminder job sends at most one per period).</summary>
    public DateTime? RemindedAt { get; set; }

    /// <summary>UTC, when a Lead-User-routed request was escalated to the regulator.</summary>
    public DateTime? EscalatedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token: incremented by every change, so of two simultaneous decisions exactly one wins.</summary>
    public int Version { get; set; }

    public List<AccessRequestEvent> Events { get; set; } = [];
}
