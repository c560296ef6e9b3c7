using System.Diagnostics.Metrics;
using System.Net;
using Cers.FacilityApi.Telemetry;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cers.FacilityApi.Tests.Telemetry;

/// <summary>
/// The facility API's meter (<see cref="FacilityApiMetrics.MeterName"/>) read with <see cref="MetricCollector{T}"/>
/// while requests are made, decided by each route and a facility is searched, over real HTTP.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class FacilityApiMetricsTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Requests_are_counted_by_route_decisions_by_route_and_decision_and_searches_timed()
    {
        using var created = Collect<long>("cers.access_request.created");
        using var decided = Collect<long>("cers.access_request.decided");
        using var searches = Collect<double>("cers.facility.search.duration");

        var withLead = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await withLead.AddLeadUserAsync();
        var first = await withLead.RequestAccessOkAsync(TestUser.Create());
        (await withLead.ApproveAsync(fixture.TokenFor(lead), first.Id, "Editor", first.Version)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var withoutLead = await AccessRequestScenario.CreateAsync(fixture);
        var second = await withoutLead.RequestAccessOkAsync(TestUser.Create());
        var regulator = TestUser.Regulator(await withoutLead.AgencyCodeAsync());
        (await withoutLead.DenyAsync(fixture.TokenFor(regulator), second.Id, "Not an employee", second.Version)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A stale decision changes nothing and counts nothing.
        (await withLead.ApproveAsync(fixture.TokenFor(lead), first.Id, "Editor", first.Version)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        using var search = await fixture.GetAsync($"/api/facilities/search?cersId={withLead.Facility.CersId}", await fixture.ReadTokenAsync());
        search.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var bad = await fixture.GetAsync("/api/facilities/search", await fixture.ReadTokenAsync());
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        Count(created, ("cers.route", "lead_user")).ShouldBe(1);
        Count(created, ("cers.route", "regulator")).ShouldBe(1);
        Count(decided, ("cers.route", "lead_user"), ("cers.decision", "approved")).ShouldBe(1);
        Count(decided, ("cers.route", "regulator"), ("cers.decision", "denied")).ShouldBe(1);
        Count(decided).ShouldBe(2);
        var timed = searches.GetMeasurementSnapshot().ShouldHaveSingleItem();
        timed.Value.ShouldBeGreaterThan(0);
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(fixture.Api.Services.GetRequiredService<IMeterFactory>(), FacilityApiMetrics.MeterName, instrument);

    private static long Count(MetricCollector<long> collector, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
            .Sum(m => m.Value);
}
