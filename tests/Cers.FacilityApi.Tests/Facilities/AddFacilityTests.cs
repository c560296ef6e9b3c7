using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Tests.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Facilities;

/// <summary>"Not found? Add a new facility/business", through real HTTP with tokens signed by the provider's key.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AddFacilityTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task A_user_adds_a_facility_and_a_new_business_becomes_its_Lead_User_and_finds_it_with_the_city_agency()
    {
        var creator = TestUser.Create("Owner");
        var number = UniqueNames.Number();
        var street = UniqueNames.Word();
        var businessName = UniqueNames.Word() + " Plating LLC";

        var added = await AddOkAsync(creator, new { facilityName = "Plating Shop", street = $"{number} North {street} Street", city = "berkeley",
            zip = "94704-1234", businessName });

        // Berkeley has its own agency, which wins over Alameda County's.
        added.AgencyCode.ShouldBe("BRK-TMD");
        added.County.ShouldBe("Alameda");
        added.BusinessName.ShouldBe(businessName);
        using var mine = await fixture.GetAsync("/api/businesses/mine", fixture.TokenFor(creator));
        (await mine.Content.ReadFromJsonAsync<List<MyBusinessView>>(MembershipScenario.Json)).ShouldNotBeNull()
            .ShouldBe([new MyBusinessView(added.OrganizationCode, businessName, MembershipRole.LeadUser, 1)]);

        using var search = await fixture.GetAsync($"/api/facilities/search?address={Uri.EscapeDataString($"{number} N {street} St, Berkeley")}",
            fixture.TokenFor(creator));
        search.StatusCode.ShouldBe(HttpStatusCode.OK, await search.Content.ReadAsStringAsync());
        var found = (await search.Content.ReadFromJsonAsync<FacilitySearchResult>()).ShouldNotBeNull().Businesses.ShouldHaveSingleItem();
        found.OrganizationCode.ShouldBe(added.OrganizationCode);
        var facility = found.Facilities.ShouldHaveSingleItem();
        (facility.CersId, facility.Zip, facility.County, facility.AgencyCode).ShouldBe((added.CersId, "94704", "Alameda", "BRK-TMD"));
        (await AuditKindsAsync(added.OrganizationCode)).ShouldBe([Cers.FacilityApi.Audit.AuditKinds.FacilityCreated]);
    }

    [Fact]
    public async Task A_city_without_its_own_agency_goes_to_its_county_agency()
    {
        var added = await AddOkAsync(TestUser.Create(), new { facilityName = "Depot", street = $"{UniqueNames.Number()} {UniqueNames.Word()} Ave",
            city = "Oakland", zip = "94601", businessName = UniqueNames.Word() + " Inc" });

        added.County.ShouldBe("Alameda");
        added.AgencyCode.ShouldNotBe("BRK-TMD");
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        (await db.AgencyJurisdictions.AnyAsync(j => j.Agency!.Code == added.AgencyCode && j.County == "Alameda" && j.CityKey == null))
            .ShouldBeTrue();
    }

    [Fact]
    public async Task A_Lead_User_adds_a_facility_to_their_business_but_others_may_not()
    {
        var lead = TestUser.Create("Lead");
        var first = await AddOkAsync(lead, new { facilityName = "One", street = $"{UniqueNames.Number()} {UniqueNames.Word()} Rd",
            city = "Sacramento", zip = "95814", businessName = UniqueNames.Word() + " Inc" });
        var body = new { facilityName = "Two", street = $"{UniqueNames.Number()} {UniqueNames.Word()} Rd", city = "Sacramento",
            zip = "95814", organizationCode = first.OrganizationCode };

        using var stranger = await PostAsync(TestUser.Create(), body);
        stranger.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await MembershipScenario.ErrorFieldsAsync(stranger)).ShouldBe(["organizationCode"]);

        var second = await AddOkAsync(lead, body);
        second.OrganizationCode.ShouldBe(first.OrganizationCode);
        using var mine = await fixture.GetAsync("/api/businesses/mine", fixture.TokenFor(lead));
        (await mine.Content.ReadFromJsonAsync<List<MyBusinessView>>(MembershipScenario.Json)).ShouldNotBeNull()
            .ShouldHaveSingleItem().FacilityCount.ShouldBe(2);
    }

    [Fact]
    public async Task A_facility_at_an_address_already_taken_is_a_conflict_until_confirmed()
    {
        var number = UniqueNames.Number();
        var street = UniqueNames.Word();
        var existing = await AddOkAsync(TestUser.Create(), new { facilityName = "First", street = $"{number} N {street} St", city = "Sacramento",
            zip = "95814", businessName = UniqueNames.Word() + " Inc" });
        var second = TestUser.Create();
        var rows = await fixture.Api.CountRowsAsync();
        var again = new { facilityName = "Second", street = $"{number} north {street} street", city = "SACRAMENTO", zip = "95814",
            businessName = UniqueNames.Word() + " Inc", confirmDuplicate = false };

        using var conflict = await PostAsync(second, again);

        conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using (var problem = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync()))
        {
            problem.RootElement.GetProperty("code").GetString().ShouldBe(FacilityCreationEndpoints.DuplicateAddress);
            problem.RootElement.GetProperty("cersIds").EnumerateArray().Select(e => e.GetInt32()).ShouldBe([existing.CersId]);
        }

        (await fixture.Api.CountRowsAsync()).ShouldBe(rows);
        (await MembershipsOfAsync(second)).ShouldBe(0);

        var confirmed = await AddOkAsync(second, again with { confirmDuplicate = true });
        confirmed.CersId.ShouldNotBe(existing.CersId);
        confirmed.OrganizationCode.ShouldNotBe(existing.OrganizationCode);
        (await MembershipsOfAsync(second)).ShouldBe(1);
    }

    [Theory]
    [InlineData("malformed JSON", "body")]
    [InlineData("wrong type", "zip")]
    [InlineData("overlong name", "facilityName")]
    [InlineData("bad ZIP", "zip")]
    [InlineData("unknown city", "city")]
    [InlineData("no house number", "street")]
    [InlineData("no business", "businessName")]
    [InlineData("both businesses", "businessName")]
    [InlineData("name with a line break", "facilityName")]
    [InlineData("business with a right-to-left override", "businessName")]
    public async Task Bad_input_is_a_400_with_a_field_error_and_nothing_is_written(string @case, string field)
    {
        var user = TestUser.Create();
        var street = $"{UniqueNames.Number()} {UniqueNames.Word()} St";
        var business = UniqueNames.Word() + " Inc";
        var body = @case switch
        {
            "malformed JSON" => "{facilityName: X",
            "wrong type" => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Sacramento", zip = 95814, businessName = business }),
            "overlong name" => JsonSerializer.Serialize(new { facilityName = new string('x', 201), street, city = "Sacramento", zip = "95814", businessName = business }),
            "bad ZIP" => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Sacramento", zip = "9581", businessName = business }),
            "unknown city" => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Atlantis", zip = "95814", businessName = business }),
            "no house number" => JsonSerializer.Serialize(new { facilityName = "X", street = "Main St", city = "Sacramento", zip = "95814", businessName = business }),
            "no business" => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Sacramento", zip = "95814" }),
            "name with a line break" => JsonSerializer.Serialize(new { facilityName = "Yard\r\n\r\nCall 555-0199 now", street, city = "Sacramento", zip = "95814", businessName = business }),
            "business with a right-to-left override" => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Sacramento", zip = "95814", businessName = "\u202Ecni " + business }),
            _ => JsonSerializer.Serialize(new { facilityName = "X", street, city = "Sacramento", zip = "95814", businessName = business, organizationCode = "10000001" }),
        };
        var rows = await fixture.Api.CountRowsAsync();

        using var response = await fixture.PostJsonAsync("/api/facilities", fixture.TokenFor(user), body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, @case);
        (await MembershipScenario.ErrorFieldsAsync(response)).ShouldContain(field, @case);
        (await fixture.Api.CountRowsAsync()).ShouldBe(rows, @case);
        (await MembershipsOfAsync(user)).ShouldBe(0, @case);
    }

    private Task<HttpResponseMessage> PostAsync(TestUser user, object body) =>
        fixture.PostJsonAsync("/api/facilities", fixture.TokenFor(user), JsonSerializer.Serialize(body));

    private async Task<NewFacilityView> AddOkAsync(TestUser user, object body)
    {
        using var response = await PostAsync(user, body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<NewFacilityView>(MembershipScenario.Json)).ShouldNotBeNull();
    }

    private async Task<int> MembershipsOfAsync(TestUser user)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.Memberships.CountAsync(m => m.UserSubject == user.Subject);
    }

    private async Task<List<string>> AuditKindsAsync(string organizationCode)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        return await db.AuditEvents.Where(a => db.Businesses.Any(b => b.Id == a.BusinessId && b.OrganizationCode == organizationCode))
            .Select(a => a.Kind).ToListAsync();
    }
}
