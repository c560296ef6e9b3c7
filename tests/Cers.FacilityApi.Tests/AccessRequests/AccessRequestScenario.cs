using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>A business and facility of a test's own, and the calls the access-request tests make on it.</summary>
public sealed class AccessRequestScenario(FacilityApiFixture fixture, Business business, Facility facility)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public Business Business => business;

    public Facility Facility => facility;

    public static async Task<AccessRequestScenario> CreateAsync(FacilityApiFixture fixture, string city = "Sacramento",
        string zip = "95814", string county = "Sacramento")
    {
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Inc");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St",
            city, zip, county);
        return new AccessRequestScenario(fixture, business, facility);
    }

    /// <summary>Adds an active Lead User to the business and returns them.</summary>
    public async Task<TestUser> AddLeadUserAsync()
    {
        var lead = TestUser.Create("Lead");
        await fixture.Api.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        return lead;
    }

    public Task<HttpResponseMessage> RequestAccessAsync(TestUser requester, string role = "Editor") =>
        fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(requester),
            JsonSerializer.Serialize(new { cersId = facility.CersId, phone = "916-555-0100", title = "EHS Manager", requestedRole = role }));

    public async Task<AccessRequestView> RequestAccessOkAsync(TestUser requester, string role = "Editor")
    {
        using var response = await RequestAccessAsync(requester, role);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccessRequestView>(Json)).ShouldNotBeNull();
    }

    public Task<HttpResponseMessage> ApproveAsync(string token, long id, string role, int version) =>
        fixture.PostJsonAsync($"/api/access-requests/{id}/approve", token, JsonSerializer.Serialize(new { grantedRole = role, version }));

    public Task<HttpResponseMessage> DenyAsync(string token, long id, string? reason, int version) =>
        fixture.PostJsonAsync($"/api/access-requests/{id}/deny", token, JsonSerializer.Serialize(new { reason, version }));

    public async Task<string> AgencyCodeAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync();
    }

    public async Task<string> AgencyContactEmailAsync()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.ContactEmail!).SingleAsync();
    }

    /// <summary>The request as stored, with its history.</summary>
    public async Task<AccessRequest> StoredAsync(long id)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AccessRequests.AsNoTracking().Include(r => r.Events).SingleAsync(r => r.Id == id);
    }

    public async Task<List<Membership>> MembershipsOfAsync(TestUser user)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Memberships.AsNoTracking().Where(m => m.UserSubject == user.Subject && m.BusinessId == business.Id).ToListAsync();
    }

    public async Task<int> AuditCountAsync(long id)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AuditEvents.CountAsync(a => a.AccessRequestId == id);
    }

    public async Task<int> RequestCountOfAsync(TestUser user)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AccessRequests.CountAsync(r => r.RequesterSubject == user.Subject);
    }

    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
