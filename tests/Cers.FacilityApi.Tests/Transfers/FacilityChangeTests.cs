using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.History;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Transfers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Transfers;

/// <summary>
/// A Lead User edits the business's name and contact and renames a facility; the regulator archives a closed facility,
/// which then leaves search and new requests but is still found by CERS ID by its regulator, with its history.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class FacilityChangeTests(FacilityApiFixture fixture)
{
    private static JsonSerializerOptions Json => AccessRequestScenario.Json;

    [Fact]
    public async Task A_Lead_User_edits_the_business_s_name_and_contact_and_renames_a_facility_and_each_change_is_on_the_timeline()
    {
        var (business, facility, lead) = await BusinessAsync();
        var viewer = TestUser.Create("Viewer");
        await fixture.Api.AddMemberAsync(business, viewer.Subject, MembershipRole.Viewer);
        var newName = $"{UniqueNames.Word()} Holdings";

        using var edited = await fixture.PostJsonAsync($"/api/businesses/{business.OrganizationCode}/details", fixture.TokenFor(lead),
            JsonSerializer.Serialize(new { name = $"  {newName} ", contactName = "Pat Doe", contactEmail = "pat.doe@example.com", contactPhone = "(916) 555-0199" }));
        edited.StatusCode.ShouldBe(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var details = (await edited.Content.ReadFromJsonAsync<BusinessDetailsView>(Json)).ShouldNotBeNull();
        (details.Name, details.ContactName, details.ContactEmail, details.ContactPhone).ShouldBe((newName, "Pat Doe", "pat.doe@example.com", "(916) 555-0199"));

        using var renamed = await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/name", fixture.TokenFor(lead),
            JsonSerializer.Serialize(new { name = "North Yard" }));
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        (await renamed.Content.ReadFromJsonAsync<FacilityDetailsView>(Json)).ShouldNotBeNull().Name.ShouldBe("North Yard");

        // The same edit again changes nothing and writes nothing.
        (await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/name", fixture.TokenFor(lead),
            JsonSerializer.Serialize(new { name = "North Yard" }))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A Viewer sees the business but changes nothing.
        (await fixture.GetAsync($"/api/businesses/{business.OrganizationCode}", fixture.TokenFor(viewer))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/name", fixture.TokenFor(viewer),
            JsonSerializer.Serialize(new { name = "Mine Now" }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var audit = await QueryAsync(db => db.AuditEvents.Where(a => a.BusinessId == business.Id).OrderBy(a => a.Id).ToListAsync());
        audit.Select(a => a.Kind).ShouldBe([AuditKinds.BusinessEdited, AuditKinds.FacilityRenamed]);
        audit[0].Detail.ShouldBe($"Changed name \"{business.Name}\" to \"{newName}\"; contact name \"\" to \"Pat Doe\"; " +
            "contact email \"\" to \"pat.doe@example.com\"; contact phone \"\" to \"(916) 555-0199\".");
        audit[1].FacilityCersId.ShouldBe(facility.CersId);

        using var history = await fixture.GetAsync($"/api/facilities/{facility.CersId}/history", fixture.TokenFor(lead));
        var page = (await history.Content.ReadFromJsonAsync<FacilityHistoryPage>(Json)).ShouldNotBeNull();
        page.Items.Select(e => e.Kind).ShouldBe([BusinessHistoryKinds.FacilityRenamed]);
        (page.FacilityName, page.BusinessName).ShouldBe(("North Yard", newName));
    }

    [Fact]
    public async Task The_facility_s_timeline_as_CSV_neutralizes_formulas_a_Lead_User_typed_into_its_name()
    {
        var (_, facility, lead) = await BusinessAsync();
        using (var renamed = await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/name", fixture.TokenFor(lead),
            JsonSerializer.Serialize(new { name = "=HYPERLINK(\"http://x\",\"Open\")" })))
        {
            renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        }

        using var response = await fixture.GetAsync($"/api/facilities/{facility.CersId}/history.csv", fixture.TokenFor(lead));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"cers-facility-{facility.CersId}-history-{DateTime.UtcNow:yyyy-MM-dd}.csv");
        var records = Cers.FacilityApi.Tests.History.Rfc4180.Parse(System.Text.Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]));
        records.Count.ShouldBe(2);
        (records[1][1], records[1][5], records[1][6]).ShouldBe((BusinessHistoryKinds.FacilityRenamed, facility.CersId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "'=HYPERLINK(\"http://x\",\"Open\")"));
        records.SelectMany(r => r).ShouldAllBe(field => field.Length == 0 || "=+-@\t\r".IndexOf(field[0]) < 0);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"Ok\",\"contactEmail\":\"not an address\"}", "contactEmail")]
    [InlineData("{\"name\":\"Ok\",\"contactPhone\":\"call me\"}", "contactPhone")]
    [InlineData("{\"name\":\"Line\\nbreak\"}", "name")]
    public async Task Bad_business_details_are_field_errors_and_change_nothing(string body, string field)
    {
        var (business, _, lead) = await BusinessAsync();
        using var response = await fixture.PostJsonAsync($"/api/businesses/{business.OrganizationCode}/details", fixture.TokenFor(lead), body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"\"{field}\"");
        (await QueryAsync(db => db.Businesses.SingleAsync(b => b.Id == business.Id))).Name.ShouldBe(business.Name);
    }

    [Fact]
    public async Task An_archived_facility_leaves_search_and_new_requests_and_its_regulator_still_finds_it_by_CERS_ID()
    {
        var (business, facility, lead) = await BusinessAsync();
        var regulator = TestUser.Regulator(await QueryAsync(db => db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync()));
        var searchPath = $"/api/facilities/search?cersId={facility.CersId}";
        (await TotalFoundAsync(searchPath, lead)).ShouldBe(1);

        using var archived = await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/archive", fixture.TokenFor(regulator),
            JsonSerializer.Serialize(new { reason = "Closed in March." }));
        archived.StatusCode.ShouldBe(HttpStatusCode.OK, await archived.Content.ReadAsStringAsync());
        (await archived.Content.ReadFromJsonAsync<FacilityDetailsView>(Json)).ShouldNotBeNull().ArchivedAt.ShouldNotBeNull();

        (await TotalFoundAsync(searchPath, lead)).ShouldBe(0);
        (await fixture.Smtp.WaitForAsync(lead.Email, $"facility {facility.Name} archived")).TextBody.ShouldNotBeNull().ShouldContain("Closed in March.");
        using (var request = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(TestUser.Create("Late")),
            JsonSerializer.Serialize(new { cersId = facility.CersId, phone = "916-555-0100", title = "Manager", requestedRole = "Viewer" })))
        {
            // Answered as for a CERS ID that does not exist: an archived facility is not confirmed to a stranger.
            request.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await request.Content.ReadAsStringAsync()).ShouldContain("No facility has this CERS ID.");
        }

        // Nothing is deleted: the regulator and the business still read it and its timeline.
        using (var found = await fixture.GetAsync($"/api/facilities/{facility.CersId}", fixture.TokenFor(regulator)))
        {
            (await found.Content.ReadFromJsonAsync<FacilityDetailsView>(Json)).ShouldNotBeNull().OrganizationCode.ShouldBe(business.OrganizationCode);
        }

        using (var details = await fixture.GetAsync($"/api/businesses/{business.OrganizationCode}", fixture.TokenFor(lead)))
        {
            (await details.Content.ReadFromJsonAsync<BusinessDetailsView>(Json)).ShouldNotBeNull()
                .Facilities.Single(f => f.CersId == facility.CersId).ArchivedAt.ShouldNotBeNull();
        }

        using (var history = await fixture.GetAsync($"/api/facilities/{facility.CersId}/history", fixture.TokenFor(regulator)))
        {
            var entry = (await history.Content.ReadFromJsonAsync<FacilityHistoryPage>(Json)).ShouldNotBeNull().Items.ShouldHaveSingleItem();
            (entry.Kind, entry.Detail).ShouldBe((BusinessHistoryKinds.FacilityArchived, $"Archived facility {facility.CersId}: Closed in March."));
        }

        await AssertCodeAsync(await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/archive", fixture.TokenFor(regulator),
            JsonSerializer.Serialize(new { reason = "Again." })), FacilityChanges.AlreadyArchived);
        await AssertCodeAsync(await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/transfers", fixture.TokenFor(regulator),
            JsonSerializer.Serialize(new { toOrganizationCode = business.OrganizationCode, street = "1 J St", city = "Sacramento", zip = "95814" })),
            TransferEndpoints.FacilityArchived);
        var (stranger, _, strangerLead) = await BusinessAsync();
        (await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/transfers", fixture.TokenFor(strangerLead),
            JsonSerializer.Serialize(new { toOrganizationCode = stranger.OrganizationCode }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_facility_with_a_pending_transfer_is_not_archived_and_an_archive_needs_a_reason()
    {
        var (_, facility, _) = await BusinessAsync();
        var (buyer, _, buyerLead) = await BusinessAsync();
        var regulator = TestUser.Regulator(await QueryAsync(db => db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync()));
        (await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/archive", fixture.TokenFor(regulator), "{}"))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using (var asked = await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/transfers", fixture.TokenFor(buyerLead),
            JsonSerializer.Serialize(new { toOrganizationCode = buyer.OrganizationCode })))
        {
            asked.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        await AssertCodeAsync(await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/archive", fixture.TokenFor(regulator),
            JsonSerializer.Serialize(new { reason = "Closed." })), TransferEndpoints.TransferPending);
        (await QueryAsync(db => db.Facilities.SingleAsync(f => f.CersId == facility.CersId))).ArchivedAt.ShouldBeNull();
    }

    private async Task<(Business Business, Facility Facility, TestUser Lead)> BusinessAsync()
    {
        var business = await fixture.Api.AddBusinessAsync($"{UniqueNames.Word()} Inc");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        var lead = TestUser.Create("Lead");
        await fixture.Api.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        return (business, facility, lead);
    }

    private async Task<int> TotalFoundAsync(string path, TestUser caller)
    {
        using var response = await fixture.GetAsync(path, fixture.TokenFor(caller));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return result.RootElement.GetProperty("totalFacilities").GetInt32();
    }

    private async Task<T> QueryAsync<T>(Func<FacilityDbContext, Task<T>> query)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FacilityDbContext>());
    }

    private static async Task AssertCodeAsync(HttpResponseMessage response, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.Conflict, body);
            JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().ShouldBe(code);
        }
    }
}
