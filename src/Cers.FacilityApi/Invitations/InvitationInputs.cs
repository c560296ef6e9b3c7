using Cers.FacilityApi.Memberships;

namespace Cers.FacilityApi.Invitations;

public sealed record CreateInvitationInput(string? Email, string? Role);

/// <summary>The link's token travels in a body, never in a path or query the API's logs and traces would keep.</summary>
public sealed record InvitationTokenInput(string? Token);

public sealed record InvitationView(long Id, string Email, MembershipRole Role, string InvitedByName, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>
/// What the person holding a link is shown before accepting: whose invitation, to what, whether it still stands, and
/// whether it was sent to the caller's own email address (only that account can accept; the address itself is not told).
/// </summary>
public sealed record InvitationPreview(string BusinessName, string OrganizationCode, MembershipRole Role, string InvitedByName,
    DateTime ExpiresAt, string State, bool SentToCaller);

public sealed record AcceptedInvitation(string OrganizationCode, string BusinessName, MembershipRole Role, long MembershipId);
