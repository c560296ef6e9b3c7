namespace Cers.FacilityApi.Audit;

/// <summary>
/// One decision, membership change or admin email operation: who did what to which business, request, membership or email.
/// Kept when the rows it names change again, so the log is the history.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>One of <see cref="AuditKinds"/>.</summary>
    public required string Kind { get; set; }

    public string? ActorSubject { get; set; }

    public string? ActorName { get; set; }

    /// <summary>The regulator agency the actor acted for, when a regulator acted.</summary>
    public string? ActorAgencyCode { get; set; }

    public int? BusinessId { get; set; }

    public long? AccessRequestId { get; set; }

    public long? MembershipId { get; set; }

    /// <summary>The facility it concerned (a rename, transfer or archiving), which puts it on the facility's timeline.</summary>
    public int? FacilityCersId { get; set; }

    public long? TransferId { get; set; }

    public string? Detail { get; set; }
}

/// <summary>The kinds of <see cref="AuditEvent"/>, as stored.</summary>
public static class AuditKinds
{
    public const string AccessApproved = "access-approved";
    public const string AccessDenied = "access-denied";
    public const string AccessEscalated = "access-escalated";
    public const string AccessExpired = "access-expired";
    public const string MembershipRoleChanged = "membership-role-changed";
    public const string MembershipRemoved = "membership-removed";

    /// <summary>A regulator made a member Lead User of a business that had none (a removal by a regulator is <see cref="MembershipRemoved"/> with the agency).</summary>
    public const string LeadUserAppointed = "lead-user-appointed";
    public const string FacilityCreated = "facility-created";
    public const string InvitationSent = "invitation-sent";
    public const string InvitationRevoked = "invitation-revoked";
    public const string InvitationAccepted = "invitation-accepted";
    public const string BusinessEdited = "business-edited";
    public const string FacilityRenamed = "facility-renamed";
    public const string FacilityArchived = "facility-archived";
    public const string TransferRequested = "transfer-requested";
    public const string TransferDenied = "transfer-denied";
    public const string TransferWithdrawn = "transfer-withdrawn";

    /// <summary>Written on both businesses' timelines (and the facility's) when a transfer is decided or a regulator makes one.</summary>
    public const string FacilityTransferred = "facility-transferred";

    /// <summary>A CERS admin made a retrying or set-aside email of the outbox due now (the email operations page).</summary>
    public const string EmailRetriedNow = "email-retried-now";

    /// <summary>A CERS admin discarded an unsent email of the outbox: it is kept, marked, and never sent.</summary>
    public const string EmailDiscarded = "email-discarded";
}
