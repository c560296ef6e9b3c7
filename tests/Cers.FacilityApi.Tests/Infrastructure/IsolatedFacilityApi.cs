using System.Net;
using System.Net.Http.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// A facility API of one test's own, trusting the shared provider: its own data folder, its own SMTP
/// listener and a clock the test moves (<see cref="FakeTimeProvider"/>), so days pass without waiting.
/// </summary>
public sealed class IsolatedFacilityApi : IAsyncDisposable
{
    private readonly FacilityApiFixture _fixture;
    private readonly TempDirectory _data;

    private IsolatedFacilityApi(FacilityApiFixture fixture, params (string Key, string? Value)[] settings)
    {
        _fixture = fixture;
        _data = new TempDirectory("cers-facility-isolated-");
        Smtp = new SmtpListener();
        var all = Smtp.Settings().ToDictionary();
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        Host = new FacilityApiHost(fixture.Idp.BaseAddress, _data.Path, all, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public FacilityApiHost Host { get; }

    public SmtpListener Smtp { get; }

    /// <summary>Starts on a whole second: PostgreSQL keeps microseconds, so a time read back equals the clock's.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public static IsolatedFacilityApi Start(FacilityApiFixture fixture, params (string Key, string? Value)[] settings) => new(fixture, settings);

    /// <summary>Runs <typeparamref name="TService"/> the way Hangfire runs a job: resolved in a scope of its own.</summary>
    public async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> run)
        where TService : notnull
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Moves the clock on once every owed email has been delivered (see <see cref="OutboxDrain"/>).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await OutboxDrain.WaitUntilDeliveredAsync<FacilityDbContext>(Host.Services);
        Clock.Advance(by);
    }

    public Task<T> QueryAsync<T>(Func<FacilityDbContext, Task<T>> query) => RunAsync(query);

    public async Task<(Business Business, Facility Facility)> NewFacilityAsync()
    {
        var business = await Host.AddBusinessAsync(UniqueNames.Word() + " Inc");
        var facility = await Host.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        return (business, facility);
    }

    public async Task<TestUser> AddLeadUserAsync(Business business)
    {
        var lead = TestUser.Create("Lead");
        await Host.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        return lead;
    }

    /// <summary>POST /api/access-requests as <paramref name="requester"/>, expecting 201.</summary>
    public async Task<AccessRequestView> RequestAccessAsync(Facility facility, TestUser requester)
    {
        using var response = await TryRequestAccessAsync(facility, requester);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json)).ShouldNotBeNull();
    }

    /// <summary>POST /api/access-requests as <paramref name="requester"/>, whatever the answer.</summary>
    public async Task<HttpResponseMessage> TryRequestAccessAsync(Facility facility, TestUser requester)
    {
        using var caller = Caller(requester);
        return await caller.PostAsJsonAsync("/api/access-requests",
            new { cersId = facility.CersId, phone = "916-555-0100", title = "Manager", requestedRole = "Editor" });
    }

    /// <summary>POST /api/access-requests/{id}/withdraw as <paramref name="requester"/>, expecting 200.</summary>
    public async Task WithdrawAsync(long id, TestUser requester)
    {
        using var caller = Caller(requester);
        using var response = await caller.PostAsync($"/api/access-requests/{id}/withdraw", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private HttpClient Caller(TestUser user)
    {
        var caller = Host.CreateCaller();
        // Issued on this API's clock, which the test may have moved days ahead.
        caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            _fixture.TokenFor(user, issuedAt: Clock.GetUtcNow()));
        return caller;
    }

    public Task<AccessRequest> StoredAsync(long id) =>
        QueryAsync(db => db.AccessRequests.AsNoTracking().Include(r => r.Events).SingleAsync(r => r.Id == id));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Smtp.DisposeAsync();
        _data.Dispose();
    }
}
