using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Memberships;

/// <summary>A business of a test's own (one Sacramento facility) and the membership calls the tests make on it.</summary>
public sealed class MembershipScenario(FacilityApiFixture fixture, Business business, Facility facility)
{
    public static JsonSerializerOptions Json => AccessRequestScenario.Json;

    public Business Business => business;

    public Facility Facility => facility;

    public static async Task<MembershipScenario> CreateAsync(FacilityApiFixture fixture)
    {
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Inc");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        return new MembershipScenario(fixture, business, facility);
    }

    /// <summary>Adds an active member with <paramref name="role"/> and returns them.</summary>
    public async Task<TestUser> AddMemberAsync(MembershipRole role)
    {
        var member = TestUser.Create(role.ToString());
        await fixture.Api.AddMemberAsync(business, member.Subject, role);
        return member;
    }

    public Task<HttpResponseMessage> ChangeRoleAsync(TestUser caller, long membershipId, string role, int version) =>
        fixture.PostJsonAsync($"/api/businesses/{business.OrganizationCode}/members/{membershipId}/role", fixture.TokenFor(caller),
            JsonSerializer.Serialize(new { role, version }));

    public Task<HttpResponseMessage> RemoveAsync(TestUser caller, long membershipId, int version) =>
        fixture.PostJsonAsync($"/api/businesses/{business.OrganizationCode}/members/{membershipId}/remove", fixture.TokenFor(caller),
            JsonSerializer.Serialize(new { version }));

    public Task<HttpResponseMessage> ListMembersAsync(TestUser caller) =>
        fixture.GetAsync($"/api/businesses/{business.OrganizationCode}/members", fixture.TokenFor(caller));

    public async Task<List<MemberView>> MembersAsync(TestUser caller)
    {
        using var response = await ListMembersAsync(caller);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<List<MemberView>>(Json)).ShouldNotBeNull();
    }

    /// <summary>The membership of <paramref name="user"/> in the business as stored (the latest, active or not).</summary>
    public async Task<Membership> StoredAsync(TestUser user)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Memberships.AsNoTracking().Where(m => m.BusinessId == business.Id && m.UserSubject == user.Subject)
            .OrderByDescending(m => m.Id).FirstAsync();
    }

    public async Task<int> ActiveLeadUsersAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Memberships.CountAsync(m => m.BusinessId == business.Id && m.Status == MembershipStatus.Active
            && m.Role == MembershipRole.LeadUser);
    }

    public async Task<List<AuditEvent>> AuditAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AuditEvents.AsNoTracking().Where(a => a.BusinessId == business.Id).OrderBy(a => a.Id).ToListAsync();
    }

    public async Task<string> AgencyCodeAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync();
    }

    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    /// <summary>The fields named by a 400's <c>errors</c>.</summary>
    public static async Task<List<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
    }
}
