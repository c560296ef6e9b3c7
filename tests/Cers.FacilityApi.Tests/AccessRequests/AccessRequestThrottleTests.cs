using System.Net;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>
/// Every access request emails its approvers; a security review looped create and withdraw and mailed
/// them without limit. A person may make so many requests an hour and a day, withdrawn ones included.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessRequestThrottleTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Asking_and_withdrawing_in_a_loop_stops_at_the_hourly_and_daily_limits_with_429_and_retry_after()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:MaxPerHour", "2"), ("AccessRequests:MaxPerDay", "3"));
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var requester = TestUser.Create();

        await api.WithdrawAsync((await api.RequestAccessAsync(facility, requester)).Id, requester);
        await api.WithdrawAsync((await api.RequestAccessAsync(facility, requester)).Id, requester);
        await ShouldBeRefusedAsync(api, facility, requester, TimeSpan.FromHours(1));

        await api.AdvanceAsync(TimeSpan.FromMinutes(61));
        await api.WithdrawAsync((await api.RequestAccessAsync(facility, requester)).Id, requester);
        await ShouldBeRefusedAsync(api, facility, requester, TimeSpan.FromHours(23));

        await api.AdvanceAsync(TimeSpan.FromDays(1));
        await api.RequestAccessAsync(facility, requester);

        // Each request that got in mailed the Lead User once; the refused ones wrote nothing.
        (await api.QueryAsync(db => db.AccessRequests.CountAsync(r => r.RequesterSubject == requester.Subject))).ShouldBe(4);
        (await api.QueryAsync(db => db.EmailOutbox.CountAsync(e => e.ToAddress == lead.Email && e.Kind == AccessRequestEmails.Kinds.Created)))
            .ShouldBe(4);
    }

    [Fact]
    public async Task Requests_sent_all_at_once_get_no_more_past_the_limit_than_requests_sent_one_by_one()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:MaxPerHour", "2"), ("AccessRequests:MaxPerDay", "10"));
        var facilities = new List<Cers.FacilityApi.Facilities.Facility>();
        for (var i = 0; i < 6; i++)
        {
            var (business, facility) = await api.NewFacilityAsync();
            await api.AddLeadUserAsync(business);
            facilities.Add(facility);
        }

        var requester = TestUser.Create();

        var answers = await Task.WhenAll(facilities.Select(async facility =>
        {
            using var response = await api.TryRequestAccessAsync(facility, requester);
            return response.StatusCode;
        }));

        answers.Count(a => a == HttpStatusCode.Created).ShouldBe(2, string.Join(", ", answers));
        answers.Count(a => a == HttpStatusCode.TooManyRequests).ShouldBe(4, string.Join(", ", answers));
        (await api.QueryAsync(db => db.AccessRequests.CountAsync(r => r.RequesterSubject == requester.Subject))).ShouldBe(2);
        (await api.QueryAsync(db => db.EmailOutbox.CountAsync(e => e.Kind == AccessRequestEmails.Kinds.Created))).ShouldBe(2);
    }

    private static async Task ShouldBeRefusedAsync(IsolatedFacilityApi api, Cers.FacilityApi.Facilities.Facility facility, TestUser requester, TimeSpan atMost)
    {
        var before = await api.QueryAsync(db => db.AccessRequests.CountAsync(r => r.RequesterSubject == requester.Subject));

        using var refused = await api.TryRequestAccessAsync(facility, requester);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, await refused.Content.ReadAsStringAsync());
        (await AccessRequestScenario.ProblemCodeAsync(refused)).ShouldBe(AccessRequestEndpoints.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull();
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(atMost);
        (await api.QueryAsync(db => db.AccessRequests.CountAsync(r => r.RequesterSubject == requester.Subject))).ShouldBe(before);
    }
}
