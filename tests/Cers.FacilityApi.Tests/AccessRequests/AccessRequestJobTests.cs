using System.Net;
using System.Net.Http.Json;
using Cers.Email.Outbox;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>
/// Reminders (N = 7 days), escalation (M = 14) and expiry (K = 60) on a clock the test moves: each
/// test has a facility API of its own (<see cref="IsolatedFacilityApi"/>, batches of 3) with its own
/// SMTP listener, trusting the shared provider. Requests are made through HTTP before the clock moves;
/// the jobs run as Hangfire runs them, from a scope of their own.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessRequestJobTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Approvers_are_reminded_after_7_days_once_and_again_after_7_more()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:BatchSize", "3"));
        using var reminded = Collect(api, "cers.access_request.reminded");
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var request = await api.RequestAccessAsync(facility, TestUser.Create("Requester"));

        await api.AdvanceAsync(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        (await Run(api, j => j.RemindAsync(CancellationToken.None))).ShouldBe(0);

        await api.AdvanceAsync(TimeSpan.FromMinutes(1));
        (await Run(api, j => j.RemindAsync(CancellationToken.None))).ShouldBe(1);
        (await Run(api, j => j.RemindAsync(CancellationToken.None))).ShouldBe(0);
        var reminder = await api.Smtp.WaitForAsync(lead.Email, "CERS reminder");
        reminder.Subject.ShouldBe($"CERS reminder: access request for {business.Name} waiting 7 days");
        reminder.TextBody.ShouldNotBeNull().ShouldContain("expires 60 days after it was made");

        await api.AdvanceAsync(TimeSpan.FromDays(7));
        (await Run(api, j => j.RemindAsync(CancellationToken.None))).ShouldBe(1);
        (await api.Smtp.WaitForCountAsync(lead.Email, "CERS reminder", 2))[^1].Subject.ShouldNotBeNull().ShouldContain("waiting 14 days");

        var stored = await api.StoredAsync(request.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Pending);
        stored.Version.ShouldBe(request.Version);
        stored.Events.Count(e => e.Kind == AccessRequestEventKind.Reminded).ShouldBe(2);
        reminded.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(2);
    }

    [Fact]
    public async Task A_request_no_Lead_User_decided_in_14_days_is_escalated_to_the_regulator_once_and_a_Lead_User_may_still_decide_it()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:BatchSize", "3"));
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var requester = TestUser.Create("Requester");
        using var escalated = Collect(api, "cers.access_request.escalated");
        var request = await api.RequestAccessAsync(facility, requester);
        var agencyEmail = await AgencyContactEmailAsync(api, facility);

        await api.AdvanceAsync(TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1));
        (await Run(api, j => j.EscalateAsync(CancellationToken.None))).ShouldBe(0);

        await api.AdvanceAsync(TimeSpan.FromMinutes(1));
        var escalations = await Task.WhenAll(
            Run(api, j => j.EscalateAsync(CancellationToken.None)), Run(api, j => j.EscalateAsync(CancellationToken.None)));
        escalations.Sum().ShouldBe(1);
        escalated.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(1);

        // The escalation email stands for this period's reminder: no second email to the regulator minutes later.
        (await Run(api, j => j.RemindAsync(CancellationToken.None))).ShouldBe(0);

        var stored = await api.StoredAsync(request.Id);
        stored.Route.ShouldBe(AccessRequestRoute.Regulator);
        stored.EscalatedAt.ShouldBe(api.Clock.GetUtcNow().UtcDateTime);
        stored.Events.Where(e => e.Kind == AccessRequestEventKind.Escalated).ShouldHaveSingleItem();
        (await AuditKindsAsync(api, request.Id)).ShouldBe([AuditKinds.AccessEscalated]);
        (await api.Smtp.WaitForAsync(agencyEmail, business.Name)).TextBody.ShouldNotBeNull()
            .ShouldContain("No Lead User of the business decided this request within 14 days, so it is now with your agency.");
        (await api.Smtp.WaitForAsync(requester.Email, "is now with the regulator")).TextBody.ShouldNotBeNull().ShouldContain(agencyEmail);

        await using var scope = api.Host.Services.CreateAsyncScope();
        var decisions = scope.ServiceProvider.GetRequiredService<AccessRequestDecisions>();
        var leadCaller = new ApiCaller(lead.Subject, lead.Name, lead.Email, AgencyCode: null);
        (await decisions.ApproveAsync(request.Id, leadCaller, MembershipRole.Editor, stored.Version, CancellationToken.None))
            .ShouldBe(DecisionOutcome.Decided);
    }

    [Fact]
    public async Task A_business_name_as_long_as_allowed_still_escalates_with_subjects_cut_to_fit_the_outbox()
    {
        await using var api = IsolatedFacilityApi.Start(fixture);
        var business = await api.Host.AddBusinessAsync(new string('W', 196) + " Inc");
        var facility = await api.Host.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St",
            city: "San Francisco", zip: "94103", county: "San Francisco");
        await api.AddLeadUserAsync(business);
        var request = await api.RequestAccessAsync(facility, TestUser.Create("Requester"));

        await api.AdvanceAsync(TimeSpan.FromDays(14));
        (await Run(api, j => j.EscalateAsync(CancellationToken.None))).ShouldBe(1);

        var subjects = await api.QueryAsync(db => db.Set<OutboxEmail>()
            .Where(e => e.IdempotencyKey.StartsWith($"access-request:{request.Id}:")).Select(e => e.Subject).ToListAsync());
        subjects.Count.ShouldBe(3);
        subjects.ShouldAllBe(subject => subject.Length <= Cers.Email.Outbox.OutboxModel.SubjectMaxLength);
        subjects.ShouldContain(subject => subject.EndsWith('\u2026'));
    }

    [Fact]
    public async Task A_request_routed_to_the_regulator_is_never_escalated()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:BatchSize", "3"));
        var (_, facility) = await api.NewFacilityAsync();
        var request = await api.RequestAccessAsync(facility, TestUser.Create("Requester"));
        request.Route.ShouldBe(AccessRequestRoute.Regulator);

        await api.AdvanceAsync(TimeSpan.FromDays(20));

        (await Run(api, j => j.EscalateAsync(CancellationToken.None))).ShouldBe(0);
        (await api.StoredAsync(request.Id)).EscalatedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Requests_expire_after_60_days_in_batches_each_once_and_a_decision_with_the_old_version_is_refused()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:BatchSize", "3"));
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var requesters = Enumerable.Range(0, 7).Select(_ => TestUser.Create("Requester")).ToList();
        var requests = new List<AccessRequestView>();
        foreach (var requester in requesters)
        {
            requests.Add(await api.RequestAccessAsync(facility, requester));
        }

        await api.AdvanceAsync(TimeSpan.FromDays(60) - TimeSpan.FromMinutes(1));
        (await Run(api, j => j.ExpireAsync(CancellationToken.None))).ShouldBe(0);

        // Batches of 3 (set for this host), four runs at once as on four servers: every request expires exactly once.
        await api.AdvanceAsync(TimeSpan.FromMinutes(1));
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Run(api, j => j.ExpireAsync(CancellationToken.None)))));
        runs.Sum().ShouldBe(requests.Count);

        foreach (var (request, requester) in requests.Zip(requesters))
        {
            var stored = await api.StoredAsync(request.Id);
            stored.Status.ShouldBe(AccessRequestStatus.Expired);
            stored.Version.ShouldBe(request.Version + 1);
            stored.Events.Where(e => e.Kind == AccessRequestEventKind.Expired).ShouldHaveSingleItem();
            (await AuditKindsAsync(api, request.Id)).ShouldBe([AuditKinds.AccessExpired]);
            var email = (await api.Smtp.WaitForCountAsync(requester.Email, "expired", 1)).Single();
            email.TextBody.ShouldNotBeNull().ShouldContain("within 60 days, so it has expired. You may request access again.");
        }

        (await api.QueryAsync(db => db.Set<OutboxEmail>().CountAsync(e => e.Kind == AccessRequestEmails.Kinds.Expired))).ShouldBe(requests.Count);

        await using var scope = api.Host.Services.CreateAsyncScope();
        var decisions = scope.ServiceProvider.GetRequiredService<AccessRequestDecisions>();
        var leadCaller = new ApiCaller(lead.Subject, lead.Name, lead.Email, AgencyCode: null);
        (await decisions.ApproveAsync(requests[0].Id, leadCaller, MembershipRole.Editor, requests[0].Version, CancellationToken.None))
            .ShouldBe(DecisionOutcome.Conflict);
    }

    [Fact]
    public async Task An_expiry_racing_a_decision_leaves_exactly_one_outcome()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:BatchSize", "3"));
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var request = await api.RequestAccessAsync(facility, TestUser.Create("Requester"));
        await api.AdvanceAsync(TimeSpan.FromDays(60));

        await using var scope = api.Host.Services.CreateAsyncScope();
        var decisions = scope.ServiceProvider.GetRequiredService<AccessRequestDecisions>();
        var leadCaller = new ApiCaller(lead.Subject, lead.Name, lead.Email, AgencyCode: null);
        var decide = decisions.ApproveAsync(request.Id, leadCaller, MembershipRole.Viewer, request.Version, CancellationToken.None);
        var expire = Run(api, j => j.ExpireAsync(CancellationToken.None));
        var (decided, expired) = (await decide, await expire);

        var stored = await api.StoredAsync(request.Id);
        if (decided == DecisionOutcome.Decided)
        {
            expired.ShouldBe(0);
            stored.Status.ShouldBe(AccessRequestStatus.Approved);
        }
        else
        {
            expired.ShouldBe(1);
            stored.Status.ShouldBe(AccessRequestStatus.Expired);
            decided.ShouldBeOneOf(DecisionOutcome.Conflict, DecisionOutcome.NotPending);
        }

        stored.Events.Count(e => e.Kind is AccessRequestEventKind.Approved or AccessRequestEventKind.Expired).ShouldBe(1);
    }

    [Fact]
    public async Task Settings_where_a_request_would_expire_before_its_reminder_stop_the_API_at_start()
    {
        using var data = new TempDirectory("cers-facility-bad-jobs-");
        var start = () =>
        {
            using var api = new FacilityApiHost(fixture.Idp.BaseAddress, data.Path,
                settings: [new("AccessRequests:ReminderAfter", "30.00:00:00"), new("AccessRequests:ExpireAfter", "20.00:00:00")]);
        };

        start.ShouldThrow<Exception>().ToString().ShouldContain("AccessRequests:ReminderAfter must be shorter than AccessRequests:ExpireAfter.");
    }

    private static Task<int> Run(IsolatedFacilityApi api, Func<PendingAccessRequestJobs, Task<int>> job) => api.RunAsync(job);

    private static Task<List<string>> AuditKindsAsync(IsolatedFacilityApi api, long id) =>
        api.QueryAsync(db => db.AuditEvents.Where(a => a.AccessRequestId == id).Select(a => a.Kind).ToListAsync());

    private static Task<string> AgencyContactEmailAsync(IsolatedFacilityApi api, Facility facility) =>
        api.QueryAsync(db => db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.ContactEmail!).SingleAsync());

    private static Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> Collect(IsolatedFacilityApi api, string instrument) =>
        new(api.Host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Cers.FacilityApi.Telemetry.FacilityApiMetrics.MeterName, instrument);
}
