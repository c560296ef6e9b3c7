using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Agencies;

[Collection(FacilityApiCollection.Name)]
public sealed class AgencyEndpointTests(FacilityApiFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task The_agency_list_has_one_agency_per_county_and_the_city_agencies_with_their_jurisdictions()
    {
        using var response = await fixture.GetAsync("/api/agencies", await fixture.ReadTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var agencies = (await response.Content.ReadFromJsonAsync<List<AgencyEndpoints.AgencySummary>>(Json)).ShouldNotBeNull();
        agencies.Select(a => a.Code).ShouldBe(agencies.Select(a => a.Code).Order(StringComparer.Ordinal));

        var wholeCounties = agencies.SelectMany(a => a.Jurisdictions).Where(j => j.City is null).Select(j => j.County).ToList();
        wholeCounties.ShouldBe(CaliforniaCounties.All, ignoreOrder: true);

        var sacramento = agencies.Single(a => a.Code == DevelopmentClients.RegulatorAgencyCode);
        sacramento.Name.ShouldBe("Sacramento County Environmental Management Department (sample)");
        sacramento.Kind.ShouldBe(AgencyKind.Cupa);
        sacramento.Jurisdictions.ShouldBe([new AgencyEndpoints.JurisdictionSummary("Sacramento", null)]);

        var sanJose = agencies.Single(a => a.Code == "SJC-FD");
        sanJose.Kind.ShouldBe(AgencyKind.ParticipatingAgency);
        sanJose.Jurisdictions.ShouldBe([new AgencyEndpoints.JurisdictionSummary("Santa Clara", "San Jose")]);

        agencies.ShouldAllBe(a => a.IsSampleData && a.Name.EndsWith("(sample)") && a.ContactEmail!.EndsWith("@example.org"));
    }
}
