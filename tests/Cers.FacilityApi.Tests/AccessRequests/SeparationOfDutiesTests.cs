using System.Net;
using System.Net.Http.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Tests.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>
/// Nobody decides their own request, whatever their roles; a regulator deciding what waits for the Lead
/// Users is an override they hear of; the Lead Users hear of every removal and role change. These are the
/// attacks a security review made against the running system (a regulator took over a business of their
/// county by asking for the Lead User role and approving it themself), kept here so they stay refused.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class SeparationOfDutiesTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task A_regulator_cannot_approve_their_own_request_for_the_Lead_User_role_and_nothing_changes()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        var created = await scenario.RequestAccessOkAsync(regulator, "LeadUser");
        created.Route.ShouldBe(AccessRequestRoute.LeadUser);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(regulator), created.Id, "LeadUser", created.Version);
        using var deny = await scenario.DenyAsync(fixture.TokenFor(regulator), created.Id, "Changed my mind.", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await approve.Content.ReadAsStringAsync());
        (await AccessRequestScenario.ProblemCodeAsync(approve)).ShouldBe(AccessRequestEndpoints.OwnRequest);
        deny.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Pending);
        stored.Version.ShouldBe(created.Version);
        (await scenario.MembershipsOfAsync(regulator)).ShouldBeEmpty();
        (await scenario.AuditCountAsync(created.Id)).ShouldBe(0);

        // Their own request is not among those they are asked to decide, though they still see it as theirs.
        var waiting = await GetAsync<AccessRequestPage>("/api/access-requests/waiting?pageSize=100", fixture.TokenFor(regulator));
        waiting.Items.Select(r => r.Id).ShouldNotContain(created.Id);
        (await GetAsync<AccessRequestView>($"/api/access-requests/{created.Id}", fixture.TokenFor(regulator))).Id.ShouldBe(created.Id);
        (await GetAsync<AccessRequestPage>("/api/access-requests/waiting", fixture.TokenFor(lead))).Items.Select(r => r.Id)
            .ShouldContain(created.Id);
    }

    [Fact]
    public async Task A_requester_who_became_a_Lead_User_meanwhile_still_cannot_decide_their_own_request()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Regulator(await scenario.AgencyCodeAsync());
        var created = await scenario.RequestAccessOkAsync(requester, "Viewer");
        created.Route.ShouldBe(AccessRequestRoute.Regulator);
        await fixture.Api.AddMemberAsync(scenario.Business, requester.Subject, MembershipRole.LeadUser, requester.Email, requester.Name);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(requester), created.Id, "Viewer", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await scenario.StoredAsync(created.Id)).Status.ShouldBe(AccessRequestStatus.Pending);
    }

    [Fact]
    public async Task A_regulator_deciding_a_request_routed_to_the_Lead_Users_is_an_override_recorded_and_emailed_to_them()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var agencyCode = await scenario.AgencyCodeAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "LeadUser");
        var colleague = TestUser.Regulator(agencyCode);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(colleague), created.Id, "LeadUser", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.OK, await approve.Content.ReadAsStringAsync());
        (await approve.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json)).ShouldNotBeNull().DecidedAsOverride.ShouldBeTrue();
        var stored = await scenario.StoredAsync(created.Id);
        stored.DecidedAsOverride.ShouldBeTrue();
        stored.Events.Single(e => e.Kind == AccessRequestEventKind.Approved).Detail.ShouldNotBeNull().ShouldStartWith("Regulator override");
        var audit = await AuditOfAsync(created.Id);
        audit.ActorAgencyCode.ShouldBe(agencyCode);
        audit.Detail.ShouldNotBeNull().ShouldStartWith($"Regulator override ({agencyCode})");

        var email = await fixture.Smtp.WaitForAsync(lead.Email, $"decided an access request for {scenario.Business.Name}");
        var text = email.TextBody.ShouldNotBeNull();
        text.ShouldContain($"{colleague.Name} of ");
        text.ShouldContain("approved a request that was waiting for a decision by the Lead Users");
        text.ShouldContain($"{requester.Name} now has the Lead User role in {scenario.Business.Name}.");
    }

    [Fact]
    public async Task A_regulator_deciding_a_request_routed_to_the_regulator_is_no_override()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var created = await scenario.RequestAccessOkAsync(TestUser.Create(), "LeadUser");
        created.Route.ShouldBe(AccessRequestRoute.Regulator);

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(TestUser.Regulator(await scenario.AgencyCodeAsync())),
            created.Id, "LeadUser", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await scenario.StoredAsync(created.Id)).DecidedAsOverride.ShouldBeFalse();
    }

    [Fact]
    public async Task The_other_Lead_Users_are_told_when_an_approval_makes_someone_a_Lead_User()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var decider = await scenario.AddLeadUserAsync();
        var other = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "Viewer");

        using var approve = await scenario.ApproveAsync(fixture.TokenFor(decider), created.Id, "LeadUser", created.Version);

        approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        var email = await fixture.Smtp.WaitForAsync(other.Email, $"{requester.Name} is now a Lead User of {scenario.Business.Name}");
        email.TextBody.ShouldNotBeNull().ShouldContain($"{decider.Name} approved a request and gave the Lead User role");
        fixture.Smtp.Find(decider.Email, "is now a Lead User").ShouldBeEmpty();
    }

    [Fact]
    public async Task Removing_a_member_emails_them_and_the_other_Lead_Users_but_not_the_one_who_removed_them()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var actor = await AddMemberWithEmailAsync(scenario, MembershipRole.LeadUser);
        var other = await AddMemberWithEmailAsync(scenario, MembershipRole.LeadUser);
        var removed = await AddMemberWithEmailAsync(scenario, MembershipRole.LeadUser);
        var member = (await scenario.MembersAsync(actor)).Single(m => m.Subject == removed.Subject);

        using var response = await scenario.RemoveAsync(actor, member.MembershipId, member.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var toMember = await fixture.Smtp.WaitForAsync(removed.Email, $"you were removed from {scenario.Business.Name}");
        toMember.TextBody.ShouldNotBeNull().ShouldContain($"{actor.Name} removed you from {scenario.Business.Name}");
        var toLead = await fixture.Smtp.WaitForAsync(other.Email, $"member change in {scenario.Business.Name}");
        toLead.TextBody.ShouldNotBeNull().ShouldContain($"{actor.Name} removed {removed.Name} (Lead User) from {scenario.Business.Name}.");
        await OutboxDrain.WaitUntilDeliveredAsync<FacilityDbContext>(fixture.Api.Services);
        fixture.Smtp.Find(actor.Email, scenario.Business.Name).ShouldBeEmpty();
    }

    [Fact]
    public async Task Changing_a_members_role_emails_them_and_the_other_Lead_Users()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var actor = await AddMemberWithEmailAsync(scenario, MembershipRole.LeadUser);
        var other = await AddMemberWithEmailAsync(scenario, MembershipRole.LeadUser);
        var viewer = await AddMemberWithEmailAsync(scenario, MembershipRole.Viewer);
        var member = (await scenario.MembersAsync(actor)).Single(m => m.Subject == viewer.Subject);

        using var response = await scenario.ChangeRoleAsync(actor, member.MembershipId, "LeadUser", member.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await fixture.Smtp.WaitForAsync(viewer.Email, $"your role in {scenario.Business.Name} changed")).TextBody.ShouldNotBeNull()
            .ShouldContain("from Viewer to Lead User");
        (await fixture.Smtp.WaitForAsync(other.Email, $"member change in {scenario.Business.Name}")).TextBody.ShouldNotBeNull()
            .ShouldContain($"{actor.Name} changed the role of {viewer.Name} in {scenario.Business.Name} from Viewer to Lead User.");
    }

    private async Task<TestUser> AddMemberWithEmailAsync(MembershipScenario scenario, MembershipRole role)
    {
        var member = TestUser.Create(role.ToString());
        await fixture.Api.AddMemberAsync(scenario.Business, member.Subject, role, member.Email, member.Name);
        return member;
    }

    private async Task<AuditEvent> AuditOfAsync(long requestId)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AuditEvents.AsNoTracking().SingleAsync(a => a.AccessRequestId == requestId);
    }

    private async Task<T> GetAsync<T>(string path, string token)
        where T : class
    {
        using var response = await fixture.GetAsync(path, token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>(AccessRequestScenario.Json)).ShouldNotBeNull();
    }
}
