using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Businesses;

/// <summary>
/// How a caller stands to a business, one rule each, for every endpoint that shows a business's members, requests or
/// history: so "the business's regulator" means the same thing wherever it is asked.
/// </summary>
public static class BusinessAccess
{
    public static Task<bool> IsActiveMemberAsync(FacilityDbContext db, int businessId, string subject, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.UserSubject == subject
            && m.Status == MembershipStatus.Active, cancellationToken);

    public static Task<bool> IsLeadUserAsync(FacilityDbContext db, int businessId, string subject, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.UserSubject == subject
            && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser, cancellationToken);

    /// <summary>
    /// Regulator staff and regulator API clients (both carry <c>role=regulator</c> and the <c>cupa</c> agency code, see
    /// <see cref="ApiCaller"/>) of an agency with one of the business's facilities in its jurisdiction.
    /// </summary>
    public static async Task<bool> IsRegulatorOfAsync(FacilityDbContext db, int businessId, ApiCaller caller, CancellationToken cancellationToken) =>
        caller.AgencyCode is { } code
        && await db.Facilities.AnyAsync(f => f.BusinessId == businessId && f.Agency!.Code == code, cancellationToken);
}
