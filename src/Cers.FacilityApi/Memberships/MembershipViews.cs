using System.ComponentModel;

namespace Cers.FacilityApi.Memberships;

/// <summary>One business the caller is an active member of.</summary>
public sealed record MyBusinessView(string OrganizationCode, string Name, MembershipRole Role, int FacilityCount);

/// <summary>An active member of a business.</summary>
public sealed record MemberView(long MembershipId, string Subject, string? Name, string? Email, MembershipRole Role, int Version);

public sealed record ChangeMemberRoleInput(
    [property: Description("LeadUser, Approver, Editor or Viewer.")] string? Role,
    [property: Description("The membership's version as last read; a stale one is refused with 409 membership_conflict.")] int? Version);

public sealed record RemoveMemberInput(
    [property: Description("The membership's version as last read; a stale one is refused with 409 membership_conflict.")] int? Version);
