using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Memberships;

namespace Cers.FacilityApi.Invitations;

public enum InvitationStatus
{
    Pending,
    Accepted,
    Revoked,

    /// <summary>Left pending past its time; closed as such when the business invites the address again.</summary>
    Expired,
}

/// <summary>
/// A Lead User's invitation of someone, by email address, to a role in the business: accepted through a single-use
/// link (only its SHA-256 is stored) by the account that uses that address, within <see cref="ExpiresAt"/>. At most one
/// pending invitation per business and address (a filtered unique index); closed ones stay for the history.
/// </summary>
public sealed class BusinessInvitation
{
    public long Id { get; set; }

    public int BusinessId { get; set; }

    public Business? Business { get; set; }

    /// <summary>Lower case, as the outbox keeps addresses.</summary>
    public required string Email { get; set; }

    public MembershipRole Role { get; set; }

    /// <summary>Hex SHA-256 of the link's token.</summary>
    public required string TokenHash { get; set; }

    public required string InvitedBySubject { get; set; }

    public required string InvitedByName { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC. A pending invitation past it can no longer be accepted, and another may be sent.</summary>
    public DateTime ExpiresAt { get; set; }

    public InvitationStatus Status { get; set; }

    /// <summary>UTC: when it was accepted or revoked.</summary>
    public DateTime? ClosedAt { get; set; }

    /// <summary>Who accepted (the new member) or revoked it.</summary>
    public string? ClosedBySubject { get; set; }

    public string? ClosedByName { get; set; }

    /// <summary>The membership the acceptance made.</summary>
    public long? MembershipId { get; set; }
}
