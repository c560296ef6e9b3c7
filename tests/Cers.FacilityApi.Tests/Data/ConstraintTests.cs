using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.SampleData;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Tests.Data;

/// <summary>The rules the database itself enforces, on a real migrated SQLite file.</summary>
public sealed class ConstraintTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_user_can_have_one_pending_request_per_business_and_more_once_it_is_decided()
    {
        await using var database = await SampleDatabase.CreateAsync();
        var db = database.Db;
        var business = await AddBusinessAsync(db, "10000001");
        var other = await AddBusinessAsync(db, "10000002");

        db.AccessRequests.Add(Request("user-1", business.Id, AccessRequestStatus.Pending));
        db.AccessRequests.Add(Request("user-1", business.Id, AccessRequestStatus.Withdrawn));
        db.AccessRequests.Add(Request("user-1", other.Id, AccessRequestStatus.Pending));
        db.AccessRequests.Add(Request("user-2", business.Id, AccessRequestStatus.Pending));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        db.AccessRequests.Add(Request("user-1", business.Id, AccessRequestStatus.Pending));
        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_user_has_one_active_membership_per_business_and_removed_ones_stay()
    {
        await using var database = await SampleDatabase.CreateAsync();
        var db = database.Db;
        var business = await AddBusinessAsync(db, "10000001");

        db.Memberships.Add(Membership("user-1", business.Id, MembershipStatus.Removed));
        db.Memberships.Add(Membership("user-1", business.Id, MembershipStatus.Active));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        db.Memberships.Add(Membership("user-1", business.Id, MembershipStatus.Active));
        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Of_two_changes_to_the_same_request_version_only_the_first_is_saved()
    {
        await using var database = await SampleDatabase.CreateAsync();
        var db = database.Db;
        var business = await AddBusinessAsync(db, "10000001");
        var request = Request("user-1", business.Id, AccessRequestStatus.Pending);
        db.AccessRequests.Add(request);
        await db.SaveChangesAsync();

        // Another decider changed the row first: its version moved on.
        await db.AccessRequests.Where(r => r.Id == request.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, AccessRequestStatus.Denied).SetProperty(r => r.Version, r => r.Version + 1));

        request.Status = AccessRequestStatus.Approved;
        request.Version++;
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Organization_codes_are_unique()
    {
        await using var database = await SampleDatabase.CreateAsync();
        await AddBusinessAsync(database.Db, "10000001");

        database.Db.Businesses.Add(new Business { OrganizationCode = "10000001", Name = "Twin" });
        await Should.ThrowAsync<DbUpdateException>(() => database.Db.SaveChangesAsync());
    }

    private static async Task<Business> AddBusinessAsync(Cers.FacilityApi.Data.FacilityDbContext db, string code)
    {
        var business = new Business { OrganizationCode = code, Name = "Business " + code };
        db.Businesses.Add(business);
        await db.SaveChangesAsync();
        return business;
    }

    private static AccessRequest Request(string subject, int businessId, AccessRequestStatus status) => new()
    {
        RequesterSubject = subject,
        RequesterName = "Pat Example",
        RequesterEmail = "pat@example.org",
        BusinessId = businessId,
        RequestedRole = MembershipRole.Editor,
        Status = status,
        Route = AccessRequestRoute.LeadUser,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static Membership Membership(string subject, int businessId, MembershipStatus status) => new()
    {
        UserSubject = subject,
        BusinessId = businessId,
        Role = MembershipRole.Viewer,
        Status = status,
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
