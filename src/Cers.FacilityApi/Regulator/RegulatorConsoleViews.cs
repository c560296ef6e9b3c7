using System.ComponentModel;

namespace Cers.FacilityApi.Regulator;

/// <summary>A facility of the caller's jurisdiction, with the business that owns it; an archived (closed) one says since when.</summary>
public sealed record JurisdictionFacilityView(
    int CersId,
    string Name,
    string Street,
    string City,
    string Zip,
    string County,
    string OrganizationCode,
    string BusinessName,
    DateTime? ArchivedAt);

/// <summary>One page of the jurisdiction's facilities, with how many match in all.</summary>
public sealed record JurisdictionFacilityPage(
    IReadOnlyList<JurisdictionFacilityView> Items,
    int Page,
    int PageSize,
    [property: Description("Facilities matching over all pages.")] int Total);

/// <summary>A business with at least one facility in the caller's jurisdiction.</summary>
public sealed record JurisdictionBusinessView(
    string OrganizationCode,
    string Name,
    [property: Description("Its facilities in the caller's jurisdiction (it may have others elsewhere).")] int FacilityCount,
    int ActiveMemberCount,
    [property: Description("Whether it has an active Lead User; a regulator may appoint one when it has none.")] bool HasLeadUser);

/// <summary>One page of the jurisdiction's businesses, with how many match in all.</summary>
public sealed record JurisdictionBusinessPage(
    IReadOnlyList<JurisdictionBusinessView> Items,
    int Page,
    int PageSize,
    [property: Description("Businesses matching over all pages.")] int Total);

public sealed record AppointLeadUserInput(
    [property: Description("The active membership (of the business) that becomes Lead User.")] long? MembershipId,
    [property: Description("The membership's version as last read; a stale one is refused with 409 membership_conflict.")] int? Version);
