using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// Where a new request goes (DESIGN.md, Facility API rules): to the business's active Lead Users when
/// it has at least one, else to the regulator agency of the facility.
/// </summary>
public sealed class AccessRequestRouter(FacilityDbContext db)
{
    public async Task<AccessRequestRoute> RouteAsync(int businessId, CancellationToken cancellationToken) =>
        await db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser,
            cancellationToken)
            ? AccessRequestRoute.LeadUser
            : AccessRequestRoute.Regulator;
}
