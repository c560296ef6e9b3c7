using System.Net;
using System.Net.Http.Json;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Memberships;

/// <summary>Lead Users manage the members of their business, through real HTTP with tokens signed by the provider's key.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class MembershipTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task A_Lead_User_changes_a_members_role_and_then_removes_them()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var editor = await scenario.AddMemberAsync(MembershipRole.Editor);
        var member = (await scenario.MembersAsync(lead)).Single(m => m.Subject == editor.Subject);
        member.Role.ShouldBe(MembershipRole.Editor);

        using var changed = await scenario.ChangeRoleAsync(lead, member.MembershipId, "Approver", member.Version);

        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        var approver = (await changed.Content.ReadFromJsonAsync<MemberView>(MembershipScenario.Json)).ShouldNotBeNull();
        approver.Role.ShouldBe(MembershipRole.Approver);
        approver.Version.ShouldBe(member.Version + 1);
        (await scenario.StoredAsync(editor)).Role.ShouldBe(MembershipRole.Approver);

        using var removed = await scenario.RemoveAsync(lead, member.MembershipId, approver.Version);

        removed.StatusCode.ShouldBe(HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        (await scenario.StoredAsync(editor)).Status.ShouldBe(MembershipStatus.Removed);
        (await scenario.MembersAsync(lead)).Select(m => m.Subject).ShouldBe([lead.Subject]);
        (await scenario.AuditAsync()).Select(a => a.Kind).ShouldBe([AuditKinds.MembershipRoleChanged, AuditKinds.MembershipRemoved]);
        using var gone = await scenario.ListMembersAsync(editor);
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_member_sees_their_business_with_role_and_facility_count()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        await fixture.Api.AddFacilityAsync(scenario.Business, $"{UniqueNames.Number()} {UniqueNames.Word()} Ave");
        var viewer = await scenario.AddMemberAsync(MembershipRole.Viewer);

        using var response = await fixture.GetAsync("/api/businesses/mine", fixture.TokenFor(viewer));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var mine = (await response.Content.ReadFromJsonAsync<List<MyBusinessView>>(MembershipScenario.Json)).ShouldNotBeNull();
        mine.ShouldBe([new MyBusinessView(scenario.Business.OrganizationCode, scenario.Business.Name, MembershipRole.Viewer, 2)]);
    }

    [Fact]
    public async Task Members_are_listed_for_members_and_the_regulator_of_the_facility_but_not_for_anyone_else()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var viewer = await scenario.AddMemberAsync(MembershipRole.Viewer);

        (await scenario.MembersAsync(viewer)).Select(m => m.Subject).Order().ShouldBe(new[] { lead.Subject, viewer.Subject }.Order());
        (await scenario.MembersAsync(TestUser.Regulator(await scenario.AgencyCodeAsync()))).Count.ShouldBe(2);

        using var outsider = await scenario.ListMembersAsync(TestUser.Create());
        outsider.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var otherRegulator = await scenario.ListMembersAsync(TestUser.Regulator("BRK-TMD"));
        otherRegulator.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var unknown = await fixture.GetAsync("/api/businesses/99999999/members", fixture.TokenFor(viewer));
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Someone_who_is_not_a_Lead_User_of_the_business_gets_404_and_nothing_changes()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var approver = await scenario.AddMemberAsync(MembershipRole.Approver);
        var viewer = await scenario.AddMemberAsync(MembershipRole.Viewer);
        var target = await scenario.StoredAsync(viewer);
        var leadOfAnother = TestUser.Create("Lead");
        var other = await MembershipScenario.CreateAsync(fixture);
        await fixture.Api.AddMemberAsync(other.Business, leadOfAnother.Subject, MembershipRole.LeadUser);

        foreach (var caller in new[] { approver, viewer, leadOfAnother, TestUser.Regulator(await scenario.AgencyCodeAsync()) })
        {
            using var change = await scenario.ChangeRoleAsync(caller, target.Id, "LeadUser", target.Version);
            change.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            using var remove = await scenario.RemoveAsync(caller, target.Id, target.Version);
            remove.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var stored = await scenario.StoredAsync(viewer);
        (stored.Role, stored.Status, stored.Version).ShouldBe((MembershipRole.Viewer, MembershipStatus.Active, target.Version));
        (await scenario.AuditAsync()).ShouldBeEmpty();
        (await scenario.StoredAsync(lead)).Role.ShouldBe(MembershipRole.LeadUser);
    }

    [Fact]
    public async Task The_last_Lead_User_can_neither_demote_nor_remove_themself_and_nothing_changes()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        await scenario.AddMemberAsync(MembershipRole.Approver);
        var before = await scenario.StoredAsync(lead);

        using var demote = await scenario.ChangeRoleAsync(lead, before.Id, "Approver", before.Version);
        demote.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(demote)).ShouldBe(MembershipEndpoints.LastLeadUser);

        using var remove = await scenario.RemoveAsync(lead, before.Id, before.Version);
        remove.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(remove)).ShouldBe(MembershipEndpoints.LastLeadUser);

        var after = await scenario.StoredAsync(lead);
        (after.Role, after.Status, after.Version).ShouldBe((MembershipRole.LeadUser, MembershipStatus.Active, before.Version));
        (await scenario.AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_Lead_User_may_step_down_while_another_Lead_User_remains()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var first = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var second = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var mine = await scenario.StoredAsync(first);

        using var demote = await scenario.ChangeRoleAsync(first, mine.Id, "Viewer", mine.Version);

        demote.StatusCode.ShouldBe(HttpStatusCode.OK, await demote.Content.ReadAsStringAsync());
        (await scenario.StoredAsync(first)).Role.ShouldBe(MembershipRole.Viewer);
        (await scenario.StoredAsync(second)).Role.ShouldBe(MembershipRole.LeadUser);
    }

    [Fact]
    public async Task Two_Lead_Users_demoting_each_other_at_once_leave_the_business_a_Lead_User()
    {
        for (var round = 0; round < 9; round++)
        {
            var scenario = await MembershipScenario.CreateAsync(fixture);
            var first = await scenario.AddMemberAsync(MembershipRole.LeadUser);
            var second = await scenario.AddMemberAsync(MembershipRole.LeadUser);
            var firstMembership = await scenario.StoredAsync(first);
            var secondMembership = await scenario.StoredAsync(second);

            // Each other by demotion, each other by removal, and each themself: the last is held only by counting
            // the Lead Users left after the change, since neither change touches the other's caller.
            var responses = await Task.WhenAll((round % 3) switch
            {
                0 => [scenario.ChangeRoleAsync(first, secondMembership.Id, "Viewer", secondMembership.Version),
                    scenario.ChangeRoleAsync(second, firstMembership.Id, "Viewer", firstMembership.Version)],
                1 => [scenario.RemoveAsync(first, secondMembership.Id, secondMembership.Version),
                    scenario.RemoveAsync(second, firstMembership.Id, firstMembership.Version)],
                _ => new[] { scenario.ChangeRoleAsync(first, firstMembership.Id, "Viewer", firstMembership.Version),
                    scenario.RemoveAsync(second, secondMembership.Id, secondMembership.Version) },
            });
            try
            {
                // Exactly one wins. The loser is a 409 when its change meets the winner's in flight, or a 404 when the
                // winner had already committed, since a demoted or removed member may no longer manage anyone.
                var statuses = string.Join(", ", responses.Select(r => r.StatusCode));
                responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, $"round {round}: {statuses}");
                responses.Count(r => r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound).ShouldBe(1, $"round {round}: {statuses}");
                (await scenario.ActiveLeadUsersAsync()).ShouldBe(1, $"round {round}");
                (await scenario.AuditAsync()).Count.ShouldBe(1, $"round {round}");
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }
        }
    }

    [Fact]
    public async Task A_change_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var editor = await scenario.AddMemberAsync(MembershipRole.Editor);
        var read = await scenario.StoredAsync(editor);
        using (var first = await scenario.ChangeRoleAsync(lead, read.Id, "Viewer", read.Version))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var stale = await scenario.ChangeRoleAsync(lead, read.Id, "Approver", read.Version);
        using var staleRemove = await scenario.RemoveAsync(lead, read.Id, read.Version);

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(stale)).ShouldBe(MembershipEndpoints.MembershipConflict);
        staleRemove.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(staleRemove)).ShouldBe(MembershipEndpoints.MembershipConflict);
        var stored = await scenario.StoredAsync(editor);
        (stored.Role, stored.Status, stored.Version).ShouldBe((MembershipRole.Viewer, MembershipStatus.Active, read.Version + 1));
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("{\"role\":\"Owner\",\"version\":1}", "role")]
    [InlineData("{\"role\":\"Viewer\"}", "version")]
    [InlineData("{\"role\":\"Viewer\",\"version\":\"one\"}", "version")]
    public async Task A_bad_role_change_is_a_400_with_a_field_error(string body, string field)
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var editor = await scenario.AddMemberAsync(MembershipRole.Editor);
        var read = await scenario.StoredAsync(editor);

        using var response = await fixture.PostJsonAsync(
            $"/api/businesses/{scenario.Business.OrganizationCode}/members/{read.Id}/role", fixture.TokenFor(lead), body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await MembershipScenario.ErrorFieldsAsync(response)).ShouldContain(field);
        (await scenario.StoredAsync(editor)).Version.ShouldBe(read.Version);
    }
}
