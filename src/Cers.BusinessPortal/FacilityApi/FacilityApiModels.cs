namespace Cers.BusinessPortal.FacilityApi;

// The facility API's JSON as the portal reads it. Enumerations stay text (the API writes their names),
// so a value added there shows up here as it is instead of failing to read.

public sealed record Caller(string Subject, string? Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Roles, string? AgencyCode)
{
    public bool IsRegulator => AgencyCode is not null && Roles.Contains(CersRoles.Regulator);
}

public sealed record FacilitySearchResult(int Page, int PageSize, int TotalBusinesses, int TotalFacilities, IReadOnlyList<BusinessMatch> Businesses);

public sealed record BusinessMatch(string OrganizationCode, string Name, int FacilityCount, IReadOnlyList<FacilityMatch> Facilities);

public sealed record FacilityMatch(int CersId, string Name, string Street, string City, string Zip, string County, string AgencyCode, string AgencyName);

/// <summary>A search: a CERS ID, or a street number with street, city and ZIP if known.</summary>
public sealed record FacilitySearch(string? CersId, string? Number, string? Street, string? City, string? Zip, int Page = 1);

public sealed record NewFacility(string? FacilityName, string? Street, string? City, string? Zip, string? BusinessName,
    string? OrganizationCode, bool ConfirmDuplicate);

public sealed record NewFacilityView(int CersId, string OrganizationCode, string BusinessName, string County, string AgencyCode, string AgencyName);

public sealed record NewAccessRequest(int CersId, string? Phone, string? Title, string? RequestedRole);

public sealed record AccessRequestView(
    long Id,
    string Status,
    string Route,
    int Version,
    string RequestedRole,
    string? GrantedRole,
    string? Reason,
    DateTime CreatedAt,
    DateTime? DecidedAt,
    RequesterView Requester,
    BusinessView Business,
    FacilityView? Facility,
    AgencyView? Agency);

public sealed record RequesterView(string Name, string Email, string? Phone, string? Title);

public sealed record BusinessView(int Id, string OrganizationCode, string Name);

public sealed record FacilityView(int CersId, string Name, string Street, string City, string Zip, string County);

/// <summary>The regulator's contact, present when a request waits on the regulator.</summary>
public sealed record AgencyView(string Code, string Name, string? ContactEmail, string? ContactPhone);

public sealed record AccessRequestPage(IReadOnlyList<AccessRequestView> Items, int Page, int PageSize, int Total);

public sealed record MyBusiness(string OrganizationCode, string Name, string Role, int FacilityCount);

/// <summary>A pending invitation of a business (its Lead Users see them).</summary>
public sealed record Invitation(long Id, string Email, string Role, string InvitedByName, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>What an invitation link is for; <c>State</c> is pending, accepted, revoked or expired.</summary>
/// <remarks><see cref="SentToCaller"/> is null from an API older than the flag (a rolling deploy): nothing is assumed either way.</remarks>
public sealed record InvitationPreview(string BusinessName, string OrganizationCode, string Role, string InvitedByName, DateTime ExpiresAt, string State,
    bool? SentToCaller);

public sealed record AcceptedInvitation(string OrganizationCode, string BusinessName, string Role, long MembershipId);

public sealed record Member(long MembershipId, string Subject, string? Name, string? Email, string Role, int Version);

/// <summary>One email the facility API wrote to the signed-in person; <c>State</c> is Queued, Sent, Retrying, Failed or Discarded.</summary>
public sealed record EmailHistoryItem(DateTime CreatedAt, DateTime? SentAt, string Subject, string Kind, string Purpose, string To, string State);

public sealed record EmailHistoryPage(IReadOnlyList<EmailHistoryItem> Items, int Page, int PageSize, int Total);

/// <summary>One access event of a business's timeline; <c>Kind</c> is the API's stable name (requested, granted, role-changed, ...).</summary>
public sealed record BusinessHistoryEntry(DateTime OccurredAt, string Kind, string What, string Actor, string? Person, int? FacilityCersId,
    string? FacilityName, string? Detail);

public sealed record BusinessHistoryPage(string OrganizationCode, string BusinessName, IReadOnlyList<BusinessHistoryEntry> Items, int Page,
    int PageSize, int Total);

/// <summary>A business's name, contact and (the first of) its facilities; archived ones have <c>ArchivedAt</c>.</summary>
public sealed record BusinessDetails(string OrganizationCode, string Name, string? ContactName, string? ContactEmail, string? ContactPhone,
    int FacilityCount, IReadOnlyList<BusinessFacility> Facilities);

public sealed record BusinessFacility(int CersId, string Name, string Street, string City, string Zip, string County, string AgencyCode, DateTime? ArchivedAt);

public sealed record BusinessEdit(string? Name, string? ContactName, string? ContactEmail, string? ContactPhone);

public sealed record FacilityDetails(int CersId, string Name, string Street, string City, string Zip, string County, string OrganizationCode,
    string BusinessName, string AgencyCode, string AgencyName, DateTime? ArchivedAt);

public sealed record NewTransfer(string? ToOrganizationCode, string? Street, string? City, string? Zip, string? Note);

/// <summary>A facility transfer; <c>Status</c> is Pending, Approved, Denied or Withdrawn.</summary>
public sealed record Transfer(long Id, TransferFacility Facility, TransferBusiness From, TransferBusiness To, TransferAddress? NewAddress,
    string AgencyCode, string Status, string RequestedBySubject, string RequestedByName, string? RequestedByAgencyCode, string? Note, string? DecidedByName,
    DateTime? DecidedAt, string? Reason, DateTime CreatedAt, int Version);

public sealed record TransferFacility(int CersId, string Name, string Street, string City, string Zip, string County);

public sealed record TransferBusiness(string OrganizationCode, string Name);

public sealed record TransferAddress(string Street, string City, string Zip);

public sealed record TransferPage(IReadOnlyList<Transfer> Items, int Page, int PageSize, int Total);

/// <summary>A facility of the regulator's jurisdiction and the business that owns it; archived ones have <c>ArchivedAt</c>.</summary>
public sealed record JurisdictionFacility(int CersId, string Name, string Street, string City, string Zip, string County, string OrganizationCode,
    string BusinessName, DateTime? ArchivedAt);

public sealed record JurisdictionFacilityPage(IReadOnlyList<JurisdictionFacility> Items, int Page, int PageSize, int Total);

/// <summary>A business with a facility in the regulator's jurisdiction (<c>FacilityCount</c> counts those facilities).</summary>
public sealed record JurisdictionBusiness(string OrganizationCode, string Name, int FacilityCount, int ActiveMemberCount, bool HasLeadUser);

public sealed record JurisdictionBusinessPage(IReadOnlyList<JurisdictionBusiness> Items, int Page, int PageSize, int Total);
