using Cers.FacilityApi.Businesses;

namespace Cers.FacilityApi.Memberships;

public enum MembershipRole
{
    /// <summary>Manages the business's users and access requests, and submits.</summary>
    LeadUser,

    /// <summary>Submits.</summary>
    Approver,

    /// <summary>Edits, cannot submit.</summary>
    Editor,

    /// <summary>Read-only.</summary>
    Viewer,
}

public enum MembershipStatus
{
    Active,
    Removed,
}

/// <summary>
/// A user's role in a business. At most one active membership per user and business (a filtered
/// unique index); removed ones stay for the history.
/// </summary>
public sealed class Membership
{
    public long Id { get; set; }

    /// <summary>The user's <c>sub</c> at the identity provider.</summary>
    public required string UserSubject { get; set; }

    /// <summary>Display copy from the token when the membership was made or last changed.</summary>
    public string? UserName { get; set; }

    /// <summary>Display copy from the token, for notifications.</summary>
    public string? Email { get; set; }

    public int BusinessId { get; set; }

    public Business? Business { get; set; }

    public MembershipRole Role { get; set; }

    public MembershipStatus Status { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token: incremented by every change, so two concurrent changes cannot both win.</summary>
    public int Version { get; set; }
}
