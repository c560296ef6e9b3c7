using System.Linq.Expressions;
using Cers.FacilityApi.Memberships;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>An access request as the API shows it to its requester and to those who decide it.</summary>
public sealed record AccessRequestView(
    long Id,
    AccessRequestStatus Status,
    AccessRequestRoute Route,
    int Version,
    MembershipRole RequestedRole,
    MembershipRole? GrantedRole,
    string? Reason,
    DateTime CreatedAt,
    DateTime? DecidedAt,
    [property: System.ComponentModel.Description("A regulator decided it while it waited for the business's Lead Users.")] bool DecidedAsOverride,
    AccessRequestView.RequesterView Requester,
    AccessRequestView.BusinessView Business,
    AccessRequestView.FacilityView? Facility,
    AccessRequestView.AgencyView? Agency)
{
    public sealed record RequesterView(string Name, string Email, string? Phone, string? Title);

    public sealed record BusinessView(int Id, string OrganizationCode, string Name);

    public sealed record FacilityView(int CersId, string Name, string Street, string City, string Zip, string County);

    /// <summary>The regulator's contact, shown when the request was routed there.</summary>
    public sealed record AgencyView(string Code, string Name, string? ContactEmail, string? ContactPhone);

    /// <summary>The projection every list and answer uses, translated to SQL.</summary>
    public static readonly Expression<Func<AccessRequest, AccessRequestView>> FromRequest = r => new AccessRequestView(
        r.Id,
        r.Status,
        r.Route,
        r.Version,
        r.RequestedRole,
        r.GrantedRole,
        r.Reason,
        r.CreatedAt,
        r.DecidedAt,
        r.DecidedAsOverride,
        new RequesterView(r.RequesterName, r.RequesterEmail, r.RequesterPhone, r.RequesterTitle),
        new BusinessView(r.Business!.Id, r.Business.OrganizationCode, r.Business.Name),
        r.Facility == null ? null : new FacilityView(r.Facility.CersId, r.Facility.Name, r.Facility.Street, r.Facility.City, r.Facility.Zip, r.Facility.County),
        r.Route == AccessRequestRoute.Regulator && r.Agency != null
            ? new AgencyView(r.Agency.Code, r.Agency.Name, r.Agency.ContactEmail, r.Agency.ContactPhone)
            : null);
}

/// <summary>One page of requests, with how many there are in all.</summary>
public sealed record AccessRequestPage(IReadOnlyList<AccessRequestView> Items, int Page, int PageSize, int Total);
