using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>Creating, listing and withdrawing requests; bad input is a 400 problem and writes nothing.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessRequestCreationTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task The_created_request_s_Location_answers_its_requester_and_its_Lead_User_but_not_another_user()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create();

        using var created = await scenario.RequestAccessAsync(requester);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var location = created.Headers.Location.ShouldNotBeNull().ToString();
        var view = (await created.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json)).ShouldNotBeNull();
        location.ShouldBe($"/api/access-requests/{view.Id}");

        foreach (var reader in new[] { requester, lead })
        {
            using var read = await fixture.GetAsync(location, fixture.TokenFor(reader));
            read.StatusCode.ShouldBe(HttpStatusCode.OK);
            var again = (await read.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json)).ShouldNotBeNull();
            again.ShouldBe(view);
        }

        using var stranger = await fixture.GetAsync(location, fixture.TokenFor(TestUser.Create()));
        stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_second_pending_request_for_the_same_business_gets_409_pending_request_exists()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create();
        await scenario.RequestAccessOkAsync(requester);

        using var second = await scenario.RequestAccessAsync(requester, "Viewer");

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AccessRequestScenario.ProblemCodeAsync(second)).ShouldBe(AccessRequestEndpoints.PendingRequestExists);
        (await scenario.RequestCountOfAsync(requester)).ShouldBe(1);
    }

    [Fact]
    public async Task An_active_member_of_the_business_gets_409_already_member()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var member = TestUser.Create();
        await fixture.Api.AddMemberAsync(scenario.Business, member.Subject, MembershipRole.Viewer);

        using var response = await scenario.RequestAccessAsync(member);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AccessRequestScenario.ProblemCodeAsync(response)).ShouldBe(AccessRequestEndpoints.AlreadyMember);
        (await scenario.RequestCountOfAsync(member)).ShouldBe(0);
    }

    [Fact]
    public async Task The_requester_withdraws_a_pending_request_once_and_nobody_else_can()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);
        var path = $"/api/access-requests/{created.Id}/withdraw";

        using var byOther = await fixture.PostJsonAsync(path, fixture.TokenFor(TestUser.Create()), "{}");
        byOther.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var withdrawn = await fixture.PostJsonAsync(path, fixture.TokenFor(requester), "{}");
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.OK, await withdrawn.Content.ReadAsStringAsync());
        (await withdrawn.Content.ReadFromJsonAsync<AccessRequestView>(AccessRequestScenario.Json))!.Status.ShouldBe(AccessRequestStatus.Withdrawn);

        using var again = await fixture.PostJsonAsync(path, fixture.TokenFor(requester), "{}");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AccessRequestScenario.ProblemCodeAsync(again)).ShouldBe(AccessRequestEndpoints.NotPending);

        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Withdrawn);
        stored.Events.Count.ShouldBe(2);

        // Withdrawn, it no longer blocks a new request.
        await scenario.RequestAccessOkAsync(requester);
    }

    [Fact]
    public async Task My_requests_are_listed_newest_first_and_paged()
    {
        var requester = TestUser.Create();
        var first = await (await AccessRequestScenario.CreateAsync(fixture)).RequestAccessOkAsync(requester);
        var second = await (await AccessRequestScenario.CreateAsync(fixture)).RequestAccessOkAsync(requester);
        var third = await (await AccessRequestScenario.CreateAsync(fixture)).RequestAccessOkAsync(requester);

        using var response = await fixture.GetAsync("/api/access-requests/mine?page=1&pageSize=2", fixture.TokenFor(requester));
        var page = (await response.Content.ReadFromJsonAsync<AccessRequestPage>(AccessRequestScenario.Json)).ShouldNotBeNull();
        using var response2 = await fixture.GetAsync("/api/access-requests/mine?page=2&pageSize=2", fixture.TokenFor(requester));
        var page2 = (await response2.Content.ReadFromJsonAsync<AccessRequestPage>(AccessRequestScenario.Json)).ShouldNotBeNull();

        page.Total.ShouldBe(3);
        page.Items.Select(r => r.Id).ShouldBe([third.Id, second.Id]);
        page2.Items.Select(r => r.Id).ShouldBe([first.Id]);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=101")]
    [InlineData("page=abc")]
    [InlineData("pageSize=99999999999")]
    public async Task Bad_paging_is_a_400_problem(string query)
    {
        using var response = await fixture.GetAsync("/api/access-requests/mine?" + query, fixture.TokenFor(TestUser.Create()));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_token_without_the_facility_access_scope_is_refused_with_403_and_writes_nothing()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create();

        using var response = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(requester, "openid facility.read"),
            JsonSerializer.Serialize(new { cersId = scenario.Facility.CersId, phone = "916-555-0100", title = "Owner", requestedRole = "Viewer" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await scenario.RequestCountOfAsync(requester)).ShouldBe(0);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "malformed JSON", "{\"cersId\": CERS, \"phone\": ", "" },
        { "not an object", "[1, 2]", "" },
        { "cersId of the wrong type", "{\"cersId\": \"abc\", \"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "cersId" },
        { "phone of the wrong type", "{\"cersId\": CERS, \"phone\": 9165550100, \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "unknown role", "{\"cersId\": CERS, \"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"Owner\"}", "requestedRole" },
        { "numeric role", "{\"cersId\": CERS, \"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"1\"}", "requestedRole" },
        { "missing phone", "{\"cersId\": CERS, \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "overlong phone", "{\"cersId\": CERS, \"phone\": \"" + new string('9', 31) + "\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "overlong title", "{\"cersId\": CERS, \"phone\": \"1\", \"title\": \"" + new string('t', 101) + "\", \"requestedRole\": \"Viewer\"}", "title" },
        { "unknown CERS ID", "{\"cersId\": 999999999, \"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "cersId" },
        { "missing CERS ID", "{\"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "cersId" },
        { "huge CERS ID", "{\"cersId\": 99999999999999, \"phone\": \"1\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "cersId" },
        // Control and format characters would break the plain-text emails the values are quoted in.
        { "phone that is no phone number", "{\"cersId\": CERS, \"phone\": \"call me maybe\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "phone with a bell", "{\"cersId\": CERS, \"phone\": \"916\\u0007555-0100\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "title with a line break", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS\\r\\n\\r\\nReset your password at evil.example\", \"requestedRole\": \"Viewer\"}", "title" },
        { "title with NUL", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS\\u0000Manager\", \"requestedRole\": \"Viewer\"}", "title" },
        { "title with a right-to-left override", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS \\u202Ereganam\", \"requestedRole\": \"Viewer\"}", "title" },
        { "title with an invisible tag character", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS\\uDB40\\uDC41 Manager\", \"requestedRole\": \"Viewer\"}", "title" },
        { "title with a lone surrogate", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS\\uD800 Manager\", \"requestedRole\": \"Viewer\"}", "title" },
        { "title with a line separator", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"EHS\\u2028Manager\", \"requestedRole\": \"Viewer\"}", "title" },
        { "phone of brackets only", "{\"cersId\": CERS, \"phone\": \"(((((((\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "phone with too few digits", "{\"cersId\": CERS, \"phone\": \"-------x1234567\", \"title\": \"t\", \"requestedRole\": \"Viewer\"}", "phone" },
        { "title with markup", "{\"cersId\": CERS, \"phone\": \"916-555-0100\", \"title\": \"<b>Boss</b>\", \"requestedRole\": \"Viewer\"}", "title" },
    };

    [Theory]
    [InlineData("(916) 555-0100")]
    [InlineData("+1 916.555.0100 x123")]
    [InlineData("916-555-0100 X12")]
    [InlineData("916 555 0100 Ext. 4")]
    public async Task Phone_numbers_in_the_usual_forms_are_taken(string phone)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);

        using var response = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(TestUser.Create()),
            JsonSerializer.Serialize(new { cersId = scenario.Facility.CersId, phone, title = "EHS Manager", requestedRole = "Viewer" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_to_create_is_a_400_problem_with_a_field_error_and_writes_nothing(string @case, string body, string field)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create();

        using var response = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(requester),
            body.Replace("CERS", scenario.Facility.CersId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, @case);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        if (field.Length > 0)
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue($"{@case}: {errors}");
        }

        (await scenario.RequestCountOfAsync(requester)).ShouldBe(0);
    }

    [Theory]
    [InlineData("{\"grantedRole\": \"Boss\", \"version\": 1}", "grantedRole")]
    [InlineData("{\"grantedRole\": \"Editor\"}", "version")]
    [InlineData("{\"grantedRole\": \"Editor\", \"version\": \"one\"}", "version")]
    [InlineData("{\"grantedRole\": ", "")]
    public async Task Bad_input_to_approve_is_a_400_problem_and_changes_nothing(string body, string field)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = fixture.TokenFor(await scenario.AddLeadUserAsync());
        var requester = TestUser.Create();
        var created = await scenario.RequestAccessOkAsync(requester);

        using var response = await fixture.PostJsonAsync($"/api/access-requests/{created.Id}/approve", lead, body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (field.Length > 0)
        {
            problem.RootElement.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        }

        var stored = await scenario.StoredAsync(created.Id);
        stored.Status.ShouldBe(AccessRequestStatus.Pending);
        stored.Version.ShouldBe(created.Version);
        (await scenario.MembershipsOfAsync(requester)).ShouldBeEmpty();
    }
}
