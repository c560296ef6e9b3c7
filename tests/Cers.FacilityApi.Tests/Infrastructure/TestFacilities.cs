using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// Businesses and facilities a test makes for itself, stored through the API's own registration
/// service (counters, normalizer, jurisdictions), with street numbers and names no other test uses,
/// so a search finds exactly what the test made.
/// </summary>
public static class TestFacilities
{
    public static async Task<Business> AddBusinessAsync(this FacilityApiHost api, string name)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FacilityRegistration>().RegisterBusinessAsync(name, CancellationToken.None);
    }

    public static async Task<Facility> AddFacilityAsync(this FacilityApiHost api, Business business, string street,
        string city = "Sacramento", string zip = "95814", string county = "Sacramento", string? name = null)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FacilityRegistration>()
            .RegisterFacilityAsync(business.Id, new NewFacility(name ?? business.Name, street, city, zip, county), CancellationToken.None);
    }

    /// <summary>Makes <paramref name="subject"/> an active member of <paramref name="business"/> with <paramref name="role"/>.</summary>
    public static async Task AddMemberAsync(this FacilityApiHost api, Business business, string subject, MembershipRole role,
        string? email = null, string? name = null)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        db.Memberships.Add(new Membership
        {
            UserSubject = subject,
            UserName = name,
            Email = email,
            BusinessId = business.Id,
            Role = role,
            Status = MembershipStatus.Active,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
            Version = 1,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>How many businesses and facilities the API's database holds.</summary>
    public static async Task<(int Businesses, int Facilities)> CountRowsAsync(this FacilityApiHost api)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return (await db.Businesses.CountAsync(), await db.Facilities.CountAsync());
    }
}
