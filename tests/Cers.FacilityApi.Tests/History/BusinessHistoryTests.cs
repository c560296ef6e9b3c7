using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.History;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Tests.Memberships;

namespace Cers.FacilityApi.Tests.History;

/// <summary>
/// A business's access timeline and its CSV file, through real HTTP: what each access event becomes, in which order, who
/// may read it beyond the authorization matrix (the business's other roles, a regulator of the facility's county and of
/// another, a regulator API client out of its jurisdiction), and the CSV file's quoting and formula neutralization.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class BusinessHistoryTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Requests_decisions_and_member_changes_are_listed_newest_first_with_who_whom_and_what()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var leadToken = fixture.TokenFor(lead);
        var ana = TestUser.Create("Ana");
        var ben = TestUser.Create("Ben");

        var asked = await scenario.RequestAccessOkAsync(ana, "Editor");
        (await scenario.ApproveAsync(leadToken, asked.Id, "Editor", asked.Version)).EnsureSuccessStatusCode();
        var members = new MembershipScenario(fixture, scenario.Business, scenario.Facility);
        var member = (await members.MembersAsync(lead)).Single(m => m.Subject == ana.Subject);
        (await members.ChangeRoleAsync(lead, member.MembershipId, "Approver", member.Version)).EnsureSuccessStatusCode();
        (await members.RemoveAsync(lead, member.MembershipId, member.Version + 1)).EnsureSuccessStatusCode();
        var refused = await scenario.RequestAccessOkAsync(ben, "Viewer");
        (await scenario.DenyAsync(leadToken, refused.Id, "Not an employee.", refused.Version)).EnsureSuccessStatusCode();

        var history = await HistoryAsync(scenario, leadToken);

        var facility = scenario.Facility;
        history.Total.ShouldBe(6);
        history.BusinessName.ShouldBe(scenario.Business.Name);
        history.Items.Select(e => e with { OccurredAt = default }).ShouldBe(
        [
            new(default, "denied", "Access denied", lead.Name, ben.Name, facility.CersId, facility.Name, "Reason: Not an employee."),
            new(default, "requested", "Asked for access", ben.Name, ben.Name, facility.CersId, facility.Name, "Role asked for: Viewer."),
            new(default, "removed", "Removed from the business", lead.Name, ana.Name, null, null, null),
            new(default, "role-changed", "Role changed", lead.Name, ana.Name, null, null, "Editor -> Approver"),
            new(default, "granted", "Access granted", lead.Name, ana.Name, facility.CersId, facility.Name, "Role granted: Editor."),
            new(default, "requested", "Asked for access", ana.Name, ana.Name, facility.CersId, facility.Name, "Role asked for: Editor."),
        ]);
        history.Items.Select(e => e.OccurredAt).ShouldBeInOrder(SortDirection.Descending);
        history.Items.ShouldAllBe(e => e.OccurredAt.Kind == DateTimeKind.Utc && e.OccurredAt > DateTime.UtcNow.AddMinutes(-5));

        // Pages cut the same timeline: the third and fourth entries are the second page of two.
        var second = await HistoryAsync(scenario, leadToken, "?page=2&pageSize=2");
        second.Items.ShouldBe(history.Items.Skip(2).Take(2).ToList());
        (second.Page, second.PageSize, second.Total).ShouldBe((2, 2, 6));
        (await HistoryAsync(scenario, leadToken, "?page=4&pageSize=2")).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Invitations_sent_revoked_and_accepted_join_the_timeline()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var leadToken = fixture.TokenFor(lead);
        var invitations = $"/api/businesses/{scenario.Business.OrganizationCode}/invitations";
        var ivy = TestUser.Create("Ivy");
        var otto = TestUser.Create("Otto");

        using var toIvy = await fixture.PostJsonAsync(invitations, leadToken, JsonSerializer.Serialize(new { email = ivy.Email, role = "Viewer" }));
        toIvy.StatusCode.ShouldBe(HttpStatusCode.Created, await toIvy.Content.ReadAsStringAsync());
        var ivyInvitation = JsonDocument.Parse(await toIvy.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        (await fixture.PostJsonAsync($"{invitations}/{ivyInvitation}/revoke", leadToken, "{}")).EnsureSuccessStatusCode();
        (await fixture.PostJsonAsync(invitations, leadToken, JsonSerializer.Serialize(new { email = otto.Email, role = "Editor" })))
            .EnsureSuccessStatusCode();
        var link = (await fixture.Smtp.WaitForAsync(otto.Email, "invited you to")).TextBody ?? "";
        var token = System.Text.RegularExpressions.Regex.Match(link, @"/Invitations/Accept\?token=([A-Za-z0-9_-]+)").Groups[1].Value;
        (await fixture.PostJsonAsync("/api/invitations/accept", fixture.TokenFor(otto), JsonSerializer.Serialize(new { token })))
            .EnsureSuccessStatusCode();

        var history = await HistoryAsync(scenario, leadToken);

        history.Items.Select(e => (e.Kind, e.What, e.Actor, e.Person, e.Detail)).ShouldBe(
        [
            ("invitation-accepted", "Invitation accepted", otto.Name, otto.Name, $"Joined as Editor, invited by {lead.Name}."),
            ("invited", "Invited by email", lead.Name, null, $"Invited {otto.Email} as Editor."),
            ("invitation-revoked", "Invitation revoked", lead.Name, null, $"Revoked the invitation of {ivy.Email}."),
            ("invited", "Invited by email", lead.Name, null, $"Invited {ivy.Email} as Viewer."),
        ]);
    }

    [Fact]
    public async Task What_the_jobs_did_is_told_as_done_by_CERS_and_a_withdrawal_as_done_by_the_requester()
    {
        await using var api = IsolatedFacilityApi.Start(fixture);
        var (business, facility) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        var waiting = TestUser.Create("Wes");
        var changedMind = TestUser.Create("Cleo");
        await api.RequestAccessAsync(facility, waiting);
        var withdrawn = await api.RequestAccessAsync(facility, changedMind);
        await api.WithdrawAsync(withdrawn.Id, changedMind);

        await api.AdvanceAsync(TimeSpan.FromDays(14));
        (await api.RunAsync<PendingAccessRequestJobs, int>(j => j.EscalateAsync(CancellationToken.None))).ShouldBe(1);
        await api.AdvanceAsync(TimeSpan.FromDays(46));
        (await api.RunAsync<PendingAccessRequestJobs, int>(j => j.ExpireAsync(CancellationToken.None))).ShouldBe(1);

        using var caller = api.Host.CreateCaller();
        caller.DefaultRequestHeaders.Authorization = new("Bearer", fixture.TokenFor(lead, issuedAt: api.Clock.GetUtcNow()));
        var history = (await caller.GetFromJsonAsync<BusinessHistoryPage>($"/api/businesses/{business.OrganizationCode}/history",
            AccessRequestScenario.Json)).ShouldNotBeNull();

        // The three made at one instant (the clock stood still) come in the order they were written, newest first.
        history.Items.Select(e => (e.Kind, e.Actor, e.Person)).ShouldBe(
        [
            ("expired", "CERS", waiting.Name),
            ("escalated", "CERS", waiting.Name),
            ("withdrawn", changedMind.Name, changedMind.Name),
            ("requested", changedMind.Name, changedMind.Name),
            ("requested", waiting.Name, waiting.Name),
        ]);
        history.Items[0].OccurredAt.ShouldBe(api.Clock.GetUtcNow().UtcDateTime);
        history.Items[0].Detail.ShouldBe("No decision within 60 days.");
        history.Items[1].What.ShouldBe("Request passed to the regulator");
    }

    [Fact]
    public async Task The_CSV_file_holds_the_whole_timeline_quoted_and_with_every_formula_neutralized()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        string[] names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Doe, \"Jo\""];
        foreach (var name in names)
        {
            await scenario.RequestAccessOkAsync(TestUser.Create() with { Name = name }, "Viewer");
        }

        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        using var response = await fixture.GetAsync($"/api/businesses/{scenario.Business.OrganizationCode}/history.csv", fixture.TokenFor(regulator));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName.ShouldBe(
            $"cers-business-{scenario.Business.OrganizationCode}-history-{DateTime.UtcNow:yyyy-MM-dd}.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes[..3].ShouldBe(Encoding.UTF8.Preamble.ToArray());
        var text = Encoding.UTF8.GetString(bytes[3..]);

        var records = Rfc4180.Parse(text);
        records[0].ShouldBe(["When (UTC)", "Kind", "What happened", "Who acted", "Whom it concerned", "CERS ID", "Facility", "Detail"]);
        records.Count.ShouldBe(1 + names.Length);
        records.Skip(1).Select(r => r[4]).ShouldBe(["Doe, \"Jo\"", "'@SUM(A1)", "'-2", "'+1", "'=HYPERLINK(\"http://x\")"]);
        records.Skip(1).ShouldAllBe(r => r.Length == 8 && r[1] == "requested" && r[5] == scenario.Facility.CersId.ToString()
            && r[7] == "Role asked for: Viewer.");
        records.SelectMany(r => r).ShouldAllBe(field => field.Length == 0 || "=+-@\t\r".IndexOf(field[0]) < 0);
        DateTime.ParseExact(records[1][0], "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(5));

        // On the wire: quoted as RFC 4180 says, the escape inside the quotes.
        text.ShouldContain("\"'=HYPERLINK(\"\"http://x\"\")\"");
        text.ShouldContain("\"Doe, \"\"Jo\"\"\"");
        text.ShouldEndWith("\r\n");
    }

    [Fact]
    public async Task Only_Lead_Users_and_the_regulators_of_the_facilities_see_the_history_of_a_business()
    {
        // A facility in Yolo County only: SAC-EMD's staff and API client are out of its jurisdiction.
        var scenario = await AccessRequestScenario.CreateAsync(fixture, city: "Woodland", zip: "95695", county: "Yolo");
        var agency = await scenario.AgencyCodeAsync();
        agency.ShouldNotBe(DevelopmentClients.RegulatorAgencyCode);
        var lead = await scenario.AddLeadUserAsync();
        var members = new MembershipScenario(fixture, scenario.Business, scenario.Facility);
        var clientToken = await fixture.RequestRegulatorTokenAsync("facility.read facility.regulator");
        clientToken.IsError.ShouldBeFalse(clientToken.Error);

        (string Who, string Token, HttpStatusCode Expected)[] callers =
        [
            ("Lead User", fixture.TokenFor(lead), HttpStatusCode.OK),
            ("regulator of the facility's agency", fixture.TokenFor(TestUser.Regulator(agency)), HttpStatusCode.OK),
            ("Approver", fixture.TokenFor(await members.AddMemberAsync(MembershipRole.Approver)), HttpStatusCode.NotFound),
            ("Editor", fixture.TokenFor(await members.AddMemberAsync(MembershipRole.Editor)), HttpStatusCode.NotFound),
            ("Viewer", fixture.TokenFor(await members.AddMemberAsync(MembershipRole.Viewer)), HttpStatusCode.NotFound),
            ("regulator of another county", fixture.TokenFor(TestUser.Regulator(DevelopmentClients.RegulatorAgencyCode)), HttpStatusCode.NotFound),
            ("regulator API client of another county", clientToken.AccessToken!, HttpStatusCode.NotFound),
            ("user who claims an agency without the regulator role", fixture.TokenFor(TestUser.Create() with { AgencyCode = agency }), HttpStatusCode.NotFound),
        ];

        foreach (var (who, token, expected) in callers)
        {
            foreach (var path in new[] { "history", "history.csv" })
            {
                using var response = await fixture.GetAsync($"/api/businesses/{scenario.Business.OrganizationCode}/{path}", token);
                response.StatusCode.ShouldBe(expected, $"{path} as {who}");
            }
        }
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?page=1001", "page")]
    [InlineData("?page=two", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=99999999999999999999", "page")]
    public async Task Bad_page_numbers_are_a_400_naming_the_field(string query, string field)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();

        using var response = await fixture.GetAsync($"/api/businesses/{scenario.Business.OrganizationCode}/history{query}", fixture.TokenFor(lead));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await MembershipScenario.ErrorFieldsAsync(response)).ShouldBe([field]);
    }

    [Theory]
    [InlineData("99999999")]
    [InlineData("not-a-code")]
    [InlineData("%27%20OR%201%3D1")]
    public async Task An_unknown_business_is_a_404(string organizationCode)
    {
        var regulator = fixture.TokenFor(TestUser.Regulator(DevelopmentClients.RegulatorAgencyCode));

        using var history = await fixture.GetAsync($"/api/businesses/{organizationCode}/history", regulator);
        using var csv = await fixture.GetAsync($"/api/businesses/{organizationCode}/history.csv", regulator);

        history.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        csv.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_paging_from_someone_who_may_not_see_the_history_is_a_404_not_a_400()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);

        using var response = await fixture.GetAsync($"/api/businesses/{scenario.Business.OrganizationCode}/history?page=0&pageSize=500",
            fixture.TokenFor(TestUser.Create("Stranger")));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Changed the role of abc from Editor to LeadUser.", MembershipRole.Editor, MembershipRole.LeadUser)]
    [InlineData("Changed the role of abc to Viewer.", null, MembershipRole.Viewer)]
    [InlineData("Removed abc.", null, null)]
    [InlineData(null, null, null)]
    public void A_role_change_is_read_back_from_its_audit_words_old_ones_included(string? detail, MembershipRole? from, MembershipRole? to)
    {
        MembershipChanges.ReadRoleChange(detail).ShouldBe((from, to));
        if (from is { } old && to is { } role)
        {
            MembershipChanges.ReadRoleChange(MembershipChanges.RoleChangeDetail("abc", old, role)).ShouldBe((from, to));
        }
    }

    private async Task<BusinessHistoryPage> HistoryAsync(AccessRequestScenario scenario, string token, string query = "")
    {
        using var response = await fixture.GetAsync($"/api/businesses/{scenario.Business.OrganizationCode}/history{query}", token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BusinessHistoryPage>(AccessRequestScenario.Json)).ShouldNotBeNull();
    }
}

/// <summary>A reader of RFC 4180 text, as a spreadsheet would split it into cells, to check what the API wrote.</summary>
internal static class Rfc4180
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        quoted.ShouldBeFalse("The text ends inside a quoted field.");
        (fields.Count + field.Length).ShouldBe(0, "The last record has no CRLF.");
        return records;
    }
}
