using System.ComponentModel;

namespace Cers.FacilityApi.History;

/// <summary>One access event of a business's timeline.</summary>
/// <param name="OccurredAt">When it happened, UTC.</param>
/// <param name="Kind">What happened, as a stable name to branch on: one of <see cref="BusinessHistoryKinds"/>.</param>
/// <param name="What">What happened, in plain words.</param>
/// <param name="Actor">Who acted: a person's name, or "CERS" for what the scheduled jobs did.</param>
/// <param name="Person">Whom it concerned: the person who asked for access, or the member changed; null when nobody in particular.</param>
/// <param name="FacilityCersId">The facility it went through (an access request's), when there is one.</param>
/// <param name="Detail">The particulars: the role asked for or granted, old and new role, a denial's reason.</param>
public sealed record BusinessHistoryEntry(
    DateTime OccurredAt,
    string Kind,
    string What,
    string Actor,
    string? Person,
    int? FacilityCersId,
    string? FacilityName,
    string? Detail);

/// <summary>One page of a facility's timeline, newest first: its access requests and its changes, whichever business had it.</summary>
public sealed record FacilityHistoryPage(
    int CersId,
    string FacilityName,
    string OrganizationCode,
    string BusinessName,
    IReadOnlyList<BusinessHistoryEntry> Items,
    int Page,
    int PageSize,
    [property: Description("Entries over all pages.")] int Total);

/// <summary>One page of a business's timeline, newest first.</summary>
public sealed record BusinessHistoryPage(
    string OrganizationCode,
    string BusinessName,
    IReadOnlyList<BusinessHistoryEntry> Items,
    int Page,
    int PageSize,
    [property: Description("Entries over all pages.")] int Total);

/// <summary>The <see cref="BusinessHistoryEntry.Kind"/> names, as clients see them; a new source adds its own.</summary>
public static class BusinessHistoryKinds
{
    public const string Requested = "requested";
    public const string Granted = "granted";
    public const string Denied = "denied";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";
    public const string Escalated = "escalated";
    public const string RoleChanged = "role-changed";
    public const string Removed = "removed";
    public const string LeadUserAppointed = "lead-user-appointed";
    public const string FacilityAdded = "facility-added";
    public const string Invited = "invited";
    public const string InvitationRevoked = "invitation-revoked";
    public const string InvitationAccepted = "invitation-accepted";
    public const string BusinessEdited = "business-edited";
    public const string FacilityRenamed = "facility-renamed";
    public const string FacilityArchived = "facility-archived";
    public const string TransferRequested = "transfer-requested";
    public const string TransferDenied = "transfer-denied";
    public const string TransferWithdrawn = "transfer-withdrawn";
    public const string Transferred = "transferred";

    /// <summary>Who acted when nobody did: the scheduled jobs (escalation, expiry).</summary>
    public const string System = "CERS";
}
