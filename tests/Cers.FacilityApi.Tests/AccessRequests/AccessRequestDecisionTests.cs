using System.Net;
using System.Net.Http.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>Requests, routing and decisions through real HTTP with tokens signed by the provider's key.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessRequestDecisionTests(FacilityApiFixture fixture)
{
    private const string Conflict = AccessRequestEndpoints.DecisionConflict;

    [Fact]
    public async Task A_request_to_a_business_with_a_Lead_User_is_approved_by_them_and_the_requester_becomes_a_member_with_the_granted_role()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create();

        var created = await scenario.RequestAccessOkAsync(requester, "Editor");
        created.Status.ShouldBe(AccessRequestStatus.Pending);
        created.Route.ShouldBe(AccessRequestRoute.LeadUser);
        created.Agency.ShouldBeNull();
        created.Business.Id.ShouldBe(scenario.Business.Id);
        created.Facility.ShouldNotBeNull().CersId.ShouldBe(scenario.Facility.CersId);
        created.Requester.Email.ShouldBe(requester.Email);

        var waiting = await GetPageAsync("/api/access-requests/waiting", fixture.TokenFor(lead));
        waiting.Items.Select(r => r.Id).ShouldBe([created.Id]);

        using var response = await scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Approver", created.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var decided = (await response.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json)).ShouldNotBeNull();
        decided.Status.ShouldBe(AccessRequestStatus.Approved);
        decided.GrantedRole.ShouldBe(MembershipRole.Approver);
        decided.Version.ShouldBe(created.Version + 1);
        var membership = (await scenario.MembershipsOfAsync(requester)).ShouldHaveSingleItem();
        membership.Role.ShouldBe(MembershipRole.Approver);
        membership.Status.ShouldBe(MembershipStatus.Active);
        (await scenario.StoredAsync(created.Id)).Events.Select(e => e.Kind).OrderBy(k => k)
            .ShouldBe([AccessRequestEventKind.Created, AccessRequestEventKind.Approved]);
        (await scenario.AuditCountAsync(created.Id)).ShouldBe(1);

        var mine = await GetPageAsync("/api/access-requests/mine", fixture.TokenFor(requester));
        mine.Items.ShouldHaveSingleItem().Status.ShouldBe(AccessRequestStatus.Approved);
    }

    [Fact]
    public async Task A_request_to_a_business_without_a_Lead_User_goes_to_the_county_regulator_who_approves_it()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var agencyCode = await scenario.AgencyCodeAsync();
        var requester = TestUser.Create();

        var created = await scenario.RequestAccessOkAsync(requester, "LeadUser");
        created.Route.ShouldBe(AccessRequestRoute.Regulator);
        created.Agency.ShouldNotBeNull().Code.ShouldBe(agencyCode);
        created.Agency.ContactEmail.ShouldNotBeNullOrEmpty();

        var regulator = TestUser.Regulator(agencyCode);
        var waiting = await GetPageAsync("/api/access-requests/waiting?pageSize=100", fixture.TokenFor(regulator));
        waiting.Items.Select(r => r.Id).ShouldContain(created.Id);

        using var response = await scenario.ApproveAsync(fixture.TokenFor(regulator), created.Id, "LeadUser", created.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await scenario.MembershipsOfAsync(requester)).ShouldHaveSingleItem().Role.ShouldBe(MembershipRole.LeadUser);
    }

    [Fact]
    public async Task The_regulator_API_client_sees_and_denies_requests_in_its_jurisdiction_with_a_real_client_credentials_token()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        (await scenario.AgencyCodeAsync()).ShouldBe(DevelopmentClients.RegulatorAgencyCode);
        await scenario.AddLeadUserAsync();
        var created = await scenario.RequestAccessOkAsync(TestUser.Create());
        created.Route.ShouldBe(AccessRequestRoute.LeadUser);
        var token = await fixture.RequestRegulatorTokenAsync("facility.regulator");
        token.IsError.ShouldBeFalse(token.Error);

        var waiting = await GetPageAsync("/api/access-requests/waiting?pageSize=100", token.AccessToken!);
        waiting.Items.Select(r => r.Id).ShouldContain(created.Id);

        using var denied = await scenario.DenyAsync(token.AccessToken!, created.Id, "Facility closed.", created.Version);
        denied.StatusCode.ShouldBe(HttpStatusCode.OK, await denied.Content.ReadAsStringAsync());
        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Denied);
        stored.DecidedBySubject.ShouldBe(DevelopmentClients.RegulatorClientId);
    }

    [Fact]
    public async Task A_regulator_of_another_county_gets_404_and_nothing_changes()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var elsewhere = await AccessRequestScenario.CreateAsync(fixture, city: "Davis", zip: "95616", county: "Yolo");
        var otherAgency = await elsewhere.AgencyCodeAsync();
        otherAgency.ShouldNotBe(await scenario.AgencyCodeAsync());
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);
        var outsider = fixture.TokenFor(TestUser.Regulator(otherAgency));

        using var approve = await scenario.ApproveAsync(outsider, created.Id, "Editor", created.Version);
        using var deny = await scenario.DenyAsync(outsider, created.Id, "No.", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        deny.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await GetPageAsync("/api/access-requests/waiting?pageSize=100", outsider)).Items.Select(r => r.Id).ShouldNotContain(created.Id);
        await ShouldBeUntouchedAsync(scenario, created, requester);
    }

    [Fact]
    public async Task A_Lead_User_of_another_business_gets_404_and_nothing_changes()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        await scenario.AddLeadUserAsync();
        var otherLead = await (await AccessRequestScenario.CreateAsync(fixture)).AddLeadUserAsync();
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(otherLead), created.Id, "Editor", created.Version);
        using var deny = await scenario.DenyAsync(fixture.TokenFor(otherLead), created.Id, "No.", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        deny.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await GetPageAsync("/api/access-requests/waiting", fixture.TokenFor(otherLead))).Items.ShouldBeEmpty();
        await ShouldBeUntouchedAsync(scenario, created, requester);
    }

    [Fact]
    public async Task A_Viewer_of_the_business_cannot_decide_and_gets_404()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var viewer = TestUser.Create("Viewer");
        await fixture.Api.AddMemberAsync(scenario.Business, viewer.Subject, MembershipRole.Viewer);
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(viewer), created.Id, "Editor", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await ShouldBeUntouchedAsync(scenario, created, requester);
    }

    [Fact]
    public async Task Of_two_simultaneous_decisions_exactly_one_wins_and_the_other_gets_409_decision_conflict()
    {
        for (var round = 0; round < 5; round++)
        {
            var scenario = await AccessRequestScenario.CreateAsync(fixture);
            var lead = await scenario.AddLeadUserAsync();
            var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
            var requester = TestUser.Create();
            var created = await scenario.RequestAccessOkAsync(requester);

            var approve = scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Editor", created.Version);
            var deny = scenario.DenyAsync(fixture.TokenFor(regulator), created.Id, "Not an employee.", created.Version);
            using var approved = await approve;
            using var denied = await deny;

            new[] { approved.StatusCode, denied.StatusCode }.Order().ShouldBe([HttpStatusCode.OK, HttpStatusCode.Conflict]);
            var loser = approved.StatusCode == HttpStatusCode.Conflict ? approved : denied;
            (await AccessRequestScenario.ProblemCodeAsync(loser)).ShouldBe(Conflict);
            var stored = await scenario.StoredAsync(created.Id);
            stored.Version.ShouldBe(created.Version + 1);
            stored.Events.Count.ShouldBe(2);
            (await scenario.AuditCountAsync(created.Id)).ShouldBe(1);
            (await scenario.MembershipsOfAsync(requester)).Count.ShouldBe(stored.Status == AccessRequestStatus.Approved ? 1 : 0);
        }
    }

    [Fact]
    public async Task Two_simultaneous_approvals_grant_one_membership_and_the_loser_gets_409()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var first = await scenario.AddLeadUserAsync();
        var second = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);

        var responses = await Task.WhenAll(
            scenario.ApproveAsync(fixture.TokenFor(first), created.Id, "Editor", created.Version),
            scenario.ApproveAsync(fixture.TokenFor(second), created.Id, "Viewer", created.Version));

        responses.Select(r => r.StatusCode).Order().ShouldBe([HttpStatusCode.OK, HttpStatusCode.Conflict]);
        (await scenario.MembershipsOfAsync(requester)).ShouldHaveSingleItem();
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_decision_with_a_stale_version_gets_409_decision_conflict_and_one_on_a_decided_request_gets_409_not_pending()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = fixture.TokenFor(await scenario.AddLeadUserAsync());
        var created = await scenario.RequestAccessOkAsync(TestUser.Create());

        using var stale = await scenario.ApproveAsync(lead, created.Id, "Editor", created.Version + 7);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AccessRequestScenario.ProblemCodeAsync(stale)).ShouldBe(Conflict);

        using var denied = await scenario.DenyAsync(lead, created.Id, "Unknown person.", created.Version);
        denied.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var again = await scenario.ApproveAsync(lead, created.Id, "Editor", created.Version + 1);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AccessRequestScenario.ProblemCodeAsync(again)).ShouldBe(AccessRequestEndpoints.NotPending);
    }

    [Fact]
    public async Task A_denial_needs_a_reason_and_stores_it()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = fixture.TokenFor(await scenario.AddLeadUserAsync());
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);

        using var withoutReason = await scenario.DenyAsync(lead, created.Id, "  ", created.Version);
        using var overlong = await scenario.DenyAsync(lead, created.Id, new string('x', 1001), created.Version);

        withoutReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await withoutReason.Content.ReadAsStringAsync()).ShouldContain("\"reason\"");
        overlong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await ShouldBeUntouchedAsync(scenario, created, requester);

        using var denied = await scenario.DenyAsync(lead, created.Id, "We do not know you.", created.Version);
        denied.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Denied);
        stored.Reason.ShouldBe("We do not know you.");
        (await scenario.MembershipsOfAsync(requester)).ShouldBeEmpty();
    }

    private static async Task ShouldBeUntouchedAsync(AccessRequestScenario scenario, AccessRequestView created, TestUser requester)
    {
        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Pending);
        stored.Version.ShouldBe(created.Version);
        stored.Events.ShouldHaveSingleItem().Kind.ShouldBe(AccessRequestEventKind.Created);
        (await scenario.AuditCountAsync(created.Id)).ShouldBe(0);
        (await scenario.MembershipsOfAsync(requester)).ShouldBeEmpty();
    }

    private async Task<AccessRequestPage> GetPageAsync(string path, string token)
    {
        using var response = await fixture.GetAsync(path, token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccessRequestPage>(AccessRequestScenario.Json)).ShouldNotBeNull();
    }
}
