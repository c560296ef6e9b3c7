namespace Cers.FacilityApi.AccessRequests;

public enum AccessRequestEventKind
{
    Created,
    Approved,
    Denied,
    Withdrawn,
    Expired,
    Escalated,
    Reminded,
}

/// <summary>One step in an access request's history, written in the same transaction as the change.</summary>
public sealed class AccessRequestEvent
{
    public long Id { get; set; }

    public long AccessRequestId { get; set; }

    /// <summary>UTC.</summary>
    public DateTime OccurredAt { get; set; }

    public AccessRequestEventKind Kind { get; set; }

    /// <summary>The <c>sub</c> of whoever acted; null for the jobs.</summary>
    public string? ActorSubject { get; set; }

    public string? ActorName { get; set; }

    public AccessRequestStatus Status { get; set; }

    public string? Detail { get; set; }
}
