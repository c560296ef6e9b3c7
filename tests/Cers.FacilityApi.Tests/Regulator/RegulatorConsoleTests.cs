using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.History;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Regulator;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Tests.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Regulator;

/// <summary>
/// The regulator console through real HTTP: the jurisdiction's facilities and businesses (what each row holds, search,
/// paging, the jurisdiction's edge), and a regulator removing a member and appointing a Lead User (emails, audit, history,
/// stale versions, two appointments at once, self-appointment). Who may call at all is the authorization matrix's.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class RegulatorConsoleTests(FacilityApiFixture fixture)
{
    private static readonly TestUser Sacramento = TestUser.Regulator(DevelopmentClients.RegulatorAgencyCode);

    [Fact]
    public async Task The_jurisdiction_s_facilities_are_paged_25_at_a_time_with_their_business_and_found_by_CERS_ID()
    {
        var word = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync($"{word} Holdings");
        var facilities = new List<Facility>();
        for (var i = 0; i < 27; i++)
        {
            facilities.Add(await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St", name: $"{word} Site {i:00}"));
        }

        var yolo = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St", "Woodland", "95695", "Yolo",
            name: $"{word} Site Yolo");

        // Any case: the page is the business's name in lower case.
        var first = await FacilitiesAsync(Sacramento, $"?q={word.ToLowerInvariant()}");
        var second = await FacilitiesAsync(Sacramento, $"?q={word.ToUpperInvariant()}&page=2");

        (first.Page, first.PageSize, first.Total, first.Items.Count).ShouldBe((1, RegulatorConsoleEndpoints.PageSize, 27, 25));
        (second.Page, second.Total, second.Items.Count).ShouldBe((2, 27, 2));
        first.Items.Concat(second.Items).Select(f => f.CersId).ShouldBe(facilities.Select(f => f.CersId));
        first.Items[0].ShouldBe(new JurisdictionFacilityView(facilities[0].CersId, $"{word} Site 00", facilities[0].Street, "Sacramento", "95814",
            "Sacramento", business.OrganizationCode, business.Name, null));
        (await FacilitiesAsync(Sacramento, $"?q={facilities[5].CersId}")).Items.Select(f => f.CersId).ShouldBe([facilities[5].CersId]);

        // An archived (closed) facility is still the regulator's to find, marked.
        await using (var scope = fixture.Api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().Facilities.Where(f => f.CersId == facilities[5].CersId)
                .ExecuteUpdateAsync(set => set.SetProperty(f => f.ArchivedAt, DateTime.UtcNow));
        }

        (await FacilitiesAsync(Sacramento, $"?q={facilities[5].CersId}")).Items.ShouldHaveSingleItem().ArchivedAt.ShouldNotBeNull();

        // The Yolo facility is Yolo's: not found by Sacramento's regulator, even by its CERS ID.
        (await FacilitiesAsync(Sacramento, $"?q={yolo.CersId}")).Total.ShouldBe(0);
        var yoloAgency = await AgencyCodeAsync(yolo.AgencyId);
        (await FacilitiesAsync(TestUser.Regulator(yoloAgency), $"?q={word}")).Items.Select(f => f.CersId).ShouldBe([yolo.CersId]);
    }

    [Fact]
    public async Task Facilities_are_found_by_street_city_and_business_name_and_percent_and_underscore_match_only_themselves()
    {
        var word = UniqueNames.Word();
        var street = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync($"{word} 5% Solvents");
        var percent = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {street} Blvd", name: $"{word} a_b Depot");
        var other = await fixture.Api.AddBusinessAsync($"{word} 50 Solvents");
        var plain = await fixture.Api.AddFacilityAsync(other, $"{UniqueNames.Number()} {UniqueNames.Word()} Blvd", name: $"{word} axb Depot");

        async Task<List<int>> FoundAsync(string q) =>
            [.. (await FacilitiesAsync(Sacramento, "?q=" + Uri.EscapeDataString(q))).Items.Select(f => f.CersId)];

        (await FoundAsync(word)).ShouldBe([percent.CersId, plain.CersId], ignoreOrder: true);
        (await FoundAsync($"{word} 5%")).ShouldBe([percent.CersId]);
        (await FoundAsync($"{word} a_b")).ShouldBe([percent.CersId]);
        (await FoundAsync($"{word} %")).ShouldBeEmpty();
        (await FoundAsync(street.ToLowerInvariant())).ShouldBe([percent.CersId]);
        (await FoundAsync($"{word} 50 sol")).ShouldBe([plain.CersId]);

        var businesses = await BusinessesAsync(Sacramento, "?q=" + Uri.EscapeDataString($"{word} 5%"));
        businesses.Items.Select(b => b.OrganizationCode).ShouldBe([business.OrganizationCode]);
    }

    [Fact]
    public async Task The_jurisdiction_s_businesses_show_their_facilities_there_their_members_and_whether_a_Lead_User_is_active()
    {
        var word = UniqueNames.Word();
        var led = await fixture.Api.AddBusinessAsync($"{word} Alpha");
        await fixture.Api.AddFacilityAsync(led, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        await fixture.Api.AddFacilityAsync(led, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        var yolo = await fixture.Api.AddFacilityAsync(led, $"{UniqueNames.Number()} {UniqueNames.Word()} St", "Woodland", "95695", "Yolo");
        await fixture.Api.AddMemberAsync(led, Guid.NewGuid().ToString("N"), MembershipRole.LeadUser);
        await fixture.Api.AddMemberAsync(led, Guid.NewGuid().ToString("N"), MembershipRole.Viewer);
        var gone = Guid.NewGuid().ToString("N");
        await fixture.Api.AddMemberAsync(led, gone, MembershipRole.LeadUser);
        await WithDbAsync(db => db.Memberships.Where(m => m.UserSubject == gone)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MembershipStatus.Removed)));
        var leaderless = await fixture.Api.AddBusinessAsync($"{word} Beta");
        await fixture.Api.AddFacilityAsync(leaderless, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        var elsewhere = await fixture.Api.AddBusinessAsync($"{word} Gamma");
        await fixture.Api.AddFacilityAsync(elsewhere, $"{UniqueNames.Number()} {UniqueNames.Word()} St", "Woodland", "95695", "Yolo");

        var page = await BusinessesAsync(Sacramento, $"?q={word.ToLowerInvariant()}");

        (page.Page, page.PageSize, page.Total).ShouldBe((1, RegulatorConsoleEndpoints.PageSize, 2));
        page.Items.ShouldBe(
        [
            new JurisdictionBusinessView(led.OrganizationCode, led.Name, 2, 2, true),
            new JurisdictionBusinessView(leaderless.OrganizationCode, leaderless.Name, 1, 0, false),
        ]);
        (await BusinessesAsync(Sacramento, $"?q={leaderless.OrganizationCode}")).Items.Select(b => b.Name).ShouldBe([leaderless.Name]);
        var past = await BusinessesAsync(Sacramento, $"?q={word}&page=2");
        (past.Page, past.Total, past.Items.Count).ShouldBe((2, 2, 0));

        // Yolo's regulator sees the businesses with a facility in Yolo, counting only those facilities.
        (await BusinessesAsync(TestUser.Regulator(await AgencyCodeAsync(yolo.AgencyId)), $"?q={word}")).Items.ShouldBe(
        [
            new JurisdictionBusinessView(led.OrganizationCode, led.Name, 1, 2, true),
            new JurisdictionBusinessView(elsewhere.OrganizationCode, elsewhere.Name, 1, 0, false),
        ]);
    }

    [Theory]
    [InlineData("/api/regulator/facilities?page=0", "page")]
    [InlineData("/api/regulator/businesses?page=x", "page")]
    [InlineData("/api/regulator/facilities?page=40001", "page")]
    [InlineData("/api/regulator/businesses?q=a%0Aline", "q")]
    public async Task A_bad_query_is_a_400_with_a_field_error(string path, string field)
    {
        using var response = await fixture.GetAsync(path, fixture.TokenFor(Sacramento));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await MembershipScenario.ErrorFieldsAsync(response)).ShouldBe([field]);
    }

    [Fact]
    public async Task A_query_too_long_is_a_400_and_a_business_user_is_refused_as_no_regulator()
    {
        using var tooLong = await fixture.GetAsync("/api/regulator/facilities?q=" + new string('a', 101), fixture.TokenFor(Sacramento));
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        foreach (var path in new[] { "/api/regulator/facilities", "/api/regulator/businesses" })
        {
            using var refused = await fixture.GetAsync(path, fixture.TokenFor(lead));
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await MembershipScenario.ProblemCodeAsync(refused)).ShouldBe(BusinessUsersExport.NotRegulator);
        }
    }

    [Fact]
    public async Task A_regulator_removes_the_last_Lead_User_who_is_emailed_and_the_history_names_the_regulator()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await AddPersonAsync(scenario, MembershipRole.LeadUser);
        var viewer = await AddPersonAsync(scenario, MembershipRole.Viewer);
        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        var read = await scenario.StoredAsync(lead);

        using var removed = await RemoveAsync(regulator, scenario, read.Id, read.Version);

        removed.StatusCode.ShouldBe(HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        (await scenario.StoredAsync(lead)).Status.ShouldBe(MembershipStatus.Removed);
        (await scenario.ActiveLeadUsersAsync()).ShouldBe(0);
        var audit = (await scenario.AuditAsync()).ShouldHaveSingleItem();
        (audit.Kind, audit.ActorSubject, audit.ActorAgencyCode, audit.MembershipId)
            .ShouldBe((AuditKinds.MembershipRemoved, regulator.Subject, regulator.AgencyCode, read.Id));
        var email = await fixture.Smtp.WaitForAsync(lead.Email, $"you were removed from {scenario.Business.Name}");
        email.TextBody.ShouldNotBeNull().ShouldContain($"{regulator.Name} (regulator, {regulator.AgencyCode}) removed you from {scenario.Business.Name}");
        fixture.Smtp.Find(viewer.Email, scenario.Business.Name).ShouldBeEmpty();

        var history = await HistoryAsync(scenario, regulator);
        history.Items[0].ShouldBe(new BusinessHistoryEntry(history.Items[0].OccurredAt, BusinessHistoryKinds.Removed, "Removed from the business",
            regulator.Name, lead.Name, null, null, $"By the regulator ({regulator.AgencyCode})."));

        // The same version again is stale: the removal made it one more.
        using var again = await RemoveAsync(regulator, scenario, read.Id, read.Version);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the membership is no longer active");
        var viewerRead = await scenario.StoredAsync(viewer);
        using var stale = await RemoveAsync(regulator, scenario, viewerRead.Id, viewerRead.Version - 1);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(stale)).ShouldBe(MembershipEndpoints.MembershipConflict);
        (await scenario.StoredAsync(viewer)).Status.ShouldBe(MembershipStatus.Active);
    }

    [Fact]
    public async Task A_regulator_makes_a_member_Lead_User_of_a_business_without_one_and_not_of_one_that_has_one()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var viewer = await AddPersonAsync(scenario, MembershipRole.Viewer);
        var editor = await AddPersonAsync(scenario, MembershipRole.Editor);
        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        var read = await scenario.StoredAsync(viewer);

        using var appointed = await AppointAsync(regulator, scenario, read.Id, read.Version);

        appointed.StatusCode.ShouldBe(HttpStatusCode.OK, await appointed.Content.ReadAsStringAsync());
        var member = (await appointed.Content.ReadFromJsonAsync<MemberView>(MembershipScenario.Json)).ShouldNotBeNull();
        (member.MembershipId, member.Role, member.Version).ShouldBe((read.Id, MembershipRole.LeadUser, read.Version + 1));
        var audit = (await scenario.AuditAsync()).ShouldHaveSingleItem();
        (audit.Kind, audit.ActorAgencyCode, audit.MembershipId).ShouldBe((AuditKinds.LeadUserAppointed, regulator.AgencyCode, read.Id));
        var email = await fixture.Smtp.WaitForAsync(viewer.Email, $"your role in {scenario.Business.Name} changed");
        email.TextBody.ShouldNotBeNull().ShouldContain("from Viewer to Lead User");
        var history = await HistoryAsync(scenario, regulator);
        history.Items[0].ShouldBe(new BusinessHistoryEntry(history.Items[0].OccurredAt, BusinessHistoryKinds.LeadUserAppointed,
            "Made Lead User by the regulator", regulator.Name, viewer.Name, null, null, "Viewer -> Lead User"));

        // Now it has one, who manages its members.
        var editorRead = await scenario.StoredAsync(editor);
        using var second = await AppointAsync(regulator, scenario, editorRead.Id, editorRead.Version);
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(second)).ShouldBe(RegulatorConsoleEndpoints.HasLeadUser);
        (await scenario.StoredAsync(editor)).Role.ShouldBe(MembershipRole.Editor);
        (await scenario.AuditAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_stale_version_is_a_conflict_and_a_regulator_who_is_a_member_changes_none_of_its_members()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var viewer = await AddPersonAsync(scenario, MembershipRole.Viewer);
        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        await fixture.Api.AddMemberAsync(scenario.Business, regulator.Subject, MembershipRole.Approver, regulator.Email, regulator.Name);
        var read = await scenario.StoredAsync(viewer);
        var own = await scenario.StoredAsync(regulator);

        using var stale = await AppointAsync(TestUser.Regulator(regulator.AgencyCode!), scenario, read.Id, read.Version + 1);
        using var self = await AppointAsync(regulator, scenario, own.Id, own.Version);
        using var accomplice = await AppointAsync(regulator, scenario, read.Id, read.Version);

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await MembershipScenario.ProblemCodeAsync(stale)).ShouldBe(MembershipEndpoints.MembershipConflict);
        foreach (var refused in new[] { self, accomplice })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await MembershipScenario.ProblemCodeAsync(refused)).ShouldBe(RegulatorConsoleEndpoints.OwnBusiness);
        }

        using (var remove = await fixture.PostJsonAsync($"/api/regulator/businesses/{scenario.Business.OrganizationCode}/members/{read.Id}/remove",
            fixture.TokenFor(regulator), System.Text.Json.JsonSerializer.Serialize(new { version = read.Version })))
        {
            remove.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await scenario.ActiveLeadUsersAsync()).ShouldBe(0);
        (await scenario.AuditAsync()).ShouldBeEmpty();

        // Another regulator of the agency may.
        using var colleague = await AppointAsync(TestUser.Regulator(regulator.AgencyCode!), scenario, own.Id, own.Version);
        colleague.StatusCode.ShouldBe(HttpStatusCode.OK, await colleague.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Two_appointments_at_once_make_one_Lead_User_and_the_other_is_told_the_business_has_one()
    {
        for (var round = 0; round < 6; round++)
        {
            var scenario = await MembershipScenario.CreateAsync(fixture);
            var first = await scenario.StoredAsync(await AddPersonAsync(scenario, MembershipRole.Viewer));
            var second = await scenario.StoredAsync(await AddPersonAsync(scenario, MembershipRole.Editor));
            var agency = await scenario.AgencyCodeAsync();

            // Two people, or (every other round) the same person twice.
            var other = round % 2 == 0 ? second : first;
            var both = await Task.WhenAll(
                AppointAsync(TestUser.Regulator(agency), scenario, first.Id, first.Version),
                AppointAsync(TestUser.Regulator(agency), scenario, other.Id, other.Version));
            using var one = both[0];
            using var two = both[1];

            var statuses = $"round {round}: {one.StatusCode}, {two.StatusCode}";
            both.Select(r => r.StatusCode).Order().ToArray().ShouldBe(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, statuses);
            (await MembershipScenario.ProblemCodeAsync(both.Single(r => r.StatusCode == HttpStatusCode.Conflict)))
                .ShouldBe(RegulatorConsoleEndpoints.HasLeadUser, statuses);
            (await scenario.ActiveLeadUsersAsync()).ShouldBe(1, statuses);
            (await scenario.AuditAsync()).Count.ShouldBe(1, statuses);
        }
    }

    [Fact]
    public async Task Another_county_s_regulator_and_a_membership_of_another_business_get_404_and_a_Lead_User_403()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = await scenario.AddMemberAsync(MembershipRole.LeadUser);
        var viewer = await scenario.StoredAsync(await scenario.AddMemberAsync(MembershipRole.Viewer));
        var leaderless = await MembershipScenario.CreateAsync(fixture);
        var member = await leaderless.StoredAsync(await leaderless.AddMemberAsync(MembershipRole.Viewer));
        var yoloBusiness = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Inc");
        var yolo = TestUser.Regulator(await AgencyCodeAsync(
            (await fixture.Api.AddFacilityAsync(yoloBusiness, $"{UniqueNames.Number()} {UniqueNames.Word()} St", "Woodland", "95695", "Yolo")).AgencyId));

        using var otherCountyRemove = await RemoveAsync(yolo, scenario, viewer.Id, viewer.Version);
        using var otherCountyAppoint = await AppointAsync(yolo, leaderless, member.Id, member.Version);
        using var wrongBusiness = await AppointAsync(Sacramento, scenario, member.Id, member.Version);
        using var wrongBusinessRemove = await RemoveAsync(Sacramento, leaderless, viewer.Id, viewer.Version);
        using var unknown = await fixture.PostJsonAsync("/api/regulator/businesses/99999999/lead-user", fixture.TokenFor(Sacramento),
            JsonSerializer.Serialize(new { membershipId = member.Id, version = member.Version }));
        using var asLead = await RemoveAsync(lead, scenario, viewer.Id, viewer.Version);

        new[] { otherCountyRemove, otherCountyAppoint, wrongBusiness, wrongBusinessRemove, unknown }
            .ShouldAllBe(r => r.StatusCode == HttpStatusCode.NotFound);
        asLead.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await MembershipScenario.ProblemCodeAsync(asLead)).ShouldBe(BusinessUsersExport.NotRegulator);
        (await scenario.StoredAsync(lead)).Status.ShouldBe(MembershipStatus.Active);
        (await scenario.AuditAsync()).ShouldBeEmpty();
        (await leaderless.AuditAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("{\"version\":1}", "membershipId")]
    [InlineData("{\"membershipId\":1}", "version")]
    [InlineData("{\"membershipId\":\"one\",\"version\":1}", "membershipId")]
    public async Task A_bad_appointment_is_a_400_with_a_field_error(string body, string field)
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);

        using var response = await fixture.PostJsonAsync($"/api/regulator/businesses/{scenario.Business.OrganizationCode}/lead-user",
            fixture.TokenFor(TestUser.Regulator(await scenario.AgencyCodeAsync())), body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await MembershipScenario.ErrorFieldsAsync(response)).ShouldContain(field);
    }

    /// <summary>An active member with a name and an address, so the emails can be found.</summary>
    private async Task<TestUser> AddPersonAsync(MembershipScenario scenario, MembershipRole role)
    {
        var person = TestUser.Create(role.ToString());
        await fixture.Api.AddMemberAsync(scenario.Business, person.Subject, role, person.Email, person.Name);
        return person;
    }

    private Task<HttpResponseMessage> RemoveAsync(TestUser caller, MembershipScenario scenario, long membershipId, int version) =>
        fixture.PostJsonAsync($"/api/regulator/businesses/{scenario.Business.OrganizationCode}/members/{membershipId}/remove",
            fixture.TokenFor(caller), JsonSerializer.Serialize(new { version }));

    private Task<HttpResponseMessage> AppointAsync(TestUser caller, MembershipScenario scenario, long membershipId, int version) =>
        fixture.PostJsonAsync($"/api/regulator/businesses/{scenario.Business.OrganizationCode}/lead-user", fixture.TokenFor(caller),
            JsonSerializer.Serialize(new { membershipId, version }));

    private Task<JurisdictionFacilityPage> FacilitiesAsync(TestUser caller, string query) =>
        ReadAsync<JurisdictionFacilityPage>("/api/regulator/facilities" + query, caller);

    private Task<JurisdictionBusinessPage> BusinessesAsync(TestUser caller, string query) =>
        ReadAsync<JurisdictionBusinessPage>("/api/regulator/businesses" + query, caller);

    private Task<BusinessHistoryPage> HistoryAsync(MembershipScenario scenario, TestUser caller) =>
        ReadAsync<BusinessHistoryPage>($"/api/businesses/{scenario.Business.OrganizationCode}/history", caller);

    private async Task<T> ReadAsync<T>(string path, TestUser caller)
        where T : class
    {
        using var response = await fixture.GetAsync(path, fixture.TokenFor(caller));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>(MembershipScenario.Json)).ShouldNotBeNull();
    }

    private async Task<string> AgencyCodeAsync(int agencyId)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().Agencies.Where(a => a.Id == agencyId).Select(a => a.Code).SingleAsync();
    }

    private async Task WithDbAsync(Func<FacilityDbContext, Task> work)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<FacilityDbContext>());
    }
}
