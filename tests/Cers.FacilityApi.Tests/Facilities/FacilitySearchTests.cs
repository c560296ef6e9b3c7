using System.Net;
using System.Net.Http.Json;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Facilities;

/// <summary>
/// <c>GET /api/facilities/search</c> through real HTTP with a real token from the provider. Every
/// test makes its own facilities at a house number and street name no other test uses.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class FacilitySearchTests(FacilityApiFixture fixture)
{
    [Theory]
    [InlineData("Street", "St")]
    [InlineData("St.", "Street")]
    [InlineData("Avenue", "Ave")]
    [InlineData("Boulevard", "Blvd")]
    [InlineData("Road", "Rd")]
    [InlineData("Drive", "Dr")]
    [InlineData("Lane", "Ln")]
    [InlineData("Court", "Ct")]
    [InlineData("Place", "Pl")]
    [InlineData("Way", "Wy")]
    [InlineData("Highway", "Hwy")]
    [InlineData("Parkway", "Pkwy")]
    [InlineData("Circle", "Cir")]
    public async Task Each_suffix_spelling_finds_the_facility_stored_with_the_other_and_not_one_on_another_street_type(string stored, string searched)
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Plating");
        var target = await fixture.Api.AddFacilityAsync(business, $"{number} {name} {stored}");
        await fixture.Api.AddFacilityAsync(business, $"{number} {name} Terrace");

        var byParts = await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{name.ToLowerInvariant()} {searched}")}");
        var byLine = await SearchAsync($"address={Uri.EscapeDataString($"{number} {name} {searched}")}");

        CersIds(byParts).ShouldBe([target.CersId]);
        CersIds(byLine).ShouldBe([target.CersId]);
    }

    [Theory]
    [InlineData("North", "N", "S")]
    [InlineData("South", "S", "N")]
    [InlineData("East", "E", "W")]
    [InlineData("West", "W", "E")]
    [InlineData("Northeast", "NE", "SW")]
    [InlineData("Northwest", "NW", "SE")]
    [InlineData("Southeast", "SE", "NW")]
    [InlineData("Southwest", "SW", "NE")]
    public async Task Each_directional_spelling_before_or_after_the_name_finds_the_facility_and_not_the_opposite_one(
        string stored, string searched, string opposite)
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Dairy");
        var target = await fixture.Api.AddFacilityAsync(business, $"{number} {stored} {name} Street");
        await fixture.Api.AddFacilityAsync(business, $"{number} {opposite} {name} Street");

        var before = await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{searched}. {name} St")}");
        var after = await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{name} St {searched}")}");

        CersIds(before).ShouldBe([target.CersId]);
        CersIds(after).ShouldBe([target.CersId]);
    }

    [Theory]
    [InlineData("Ste 210")]
    [InlineData("Suite 210")]
    [InlineData("#210")]
    [InlineData("Unit 210")]
    public async Task A_unit_in_any_designator_finds_that_unit_and_no_unit_finds_every_unit(string unit)
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Dental Group");
        var suite210 = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Blvd, Suite 210");
        var suite300 = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Blvd, Suite 300");

        var withUnit = await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{name} Blvd {unit}")}");
        var withoutUnit = await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{name} Blvd")}");

        CersIds(withUnit).ShouldBe([suite210.CersId]);
        CersIds(withoutUnit).ShouldBe([suite210.CersId, suite300.CersId]);
    }

    [Fact]
    public async Task Case_punctuation_spacing_and_leading_zeros_in_the_search_do_not_matter()
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Auto Body");
        var target = await fixture.Api.AddFacilityAsync(business, $"{number} N. {name} Blvd.");

        var result = await SearchAsync($"number=00{number}&street={Uri.EscapeDataString($"  NORTH,  {name.ToUpperInvariant()}  boulevard ")}");

        CersIds(result).ShouldBe([target.CersId]);
    }

    [Fact]
    public async Task A_whole_street_line_in_the_street_field_is_searched_by_its_number()
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Winery");
        var target = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Rd");

        CersIds(await SearchAsync($"street={Uri.EscapeDataString($"{number} {name} Road")}")).ShouldBe([target.CersId]);
        CersIds(await SearchAsync($"number={number}&street={Uri.EscapeDataString($"{number} {name} Road")}")).ShouldBe([target.CersId]);
    }

    [Fact]
    public async Task A_street_number_alone_finds_every_facility_at_that_number_grouped_by_business()
    {
        var number = UniqueNames.Number();
        var first = await fixture.Api.AddBusinessAsync("A " + UniqueNames.Word() + " Fuel");
        var second = await fixture.Api.AddBusinessAsync("B " + UniqueNames.Word() + " Fuel");
        var a1 = await fixture.Api.AddFacilityAsync(first, $"{number} {UniqueNames.Word()} Rd");
        var a2 = await fixture.Api.AddFacilityAsync(first, $"{number} {UniqueNames.Word()} Ave", city: "Elk Grove", zip: "95758");
        var b1 = await fixture.Api.AddFacilityAsync(second, $"{number} {UniqueNames.Word()} St");

        var result = await SearchAsync($"number={number}");

        result.TotalFacilities.ShouldBe(3);
        result.TotalBusinesses.ShouldBe(2);
        result.Businesses.Select(b => (b.OrganizationCode, b.FacilityCount)).ShouldBe([(first.OrganizationCode, 2), (second.OrganizationCode, 1)]);
        result.Businesses[0].Facilities.Select(f => f.CersId).ShouldBe([a1.CersId, a2.CersId]);
        result.Businesses[1].Facilities.Select(f => f.CersId).ShouldBe([b1.CersId]);
        result.SearchedFor.ShouldBe(new SearchedFor(null, number, null, null, null));
    }

    [Fact]
    public async Task Number_and_the_start_of_a_street_name_find_the_facility()
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Cold Storage");
        var target = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Way");
        await fixture.Api.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Way");

        var result = await SearchAsync($"number={number}&street={name[..4]}");

        CersIds(result).ShouldBe([target.CersId]);
    }

    [Fact]
    public async Task City_and_ZIP_narrow_a_number_and_street_search()
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Hardware");
        var sacramento = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Dr", city: "Sacramento", zip: "95814");
        var elkGrove = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Dr", city: "Elk Grove", zip: "95758");
        var street = $"number={number}&street={name}+Dr";

        CersIds(await SearchAsync(street)).ShouldBe([sacramento.CersId, elkGrove.CersId]);
        CersIds(await SearchAsync(street + "&city=elk+grove")).ShouldBe([elkGrove.CersId]);
        CersIds(await SearchAsync(street + "&zip=95814")).ShouldBe([sacramento.CersId]);
        CersIds(await SearchAsync($"number={number}&zip=95758-1234")).ShouldBe([elkGrove.CersId]);
        CersIds(await SearchAsync(street + "&city=Fresno")).ShouldBeEmpty();
        CersIds(await SearchAsync($"address={Uri.EscapeDataString($"{number} {name} Drive, Elk Grove, CA 95758")}")).ShouldBe([elkGrove.CersId]);
    }

    [Fact]
    public async Task A_CERS_ID_finds_that_facility_with_its_business_and_regulator()
    {
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Semiconductor");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} Pkwy, Ste 4", name: "Fab 2");

        var result = await SearchAsync($"cersId={facility.CersId}");

        result.TotalBusinesses.ShouldBe(1);
        result.TotalFacilities.ShouldBe(1);
        var match = result.Businesses.ShouldHaveSingleItem();
        match.OrganizationCode.ShouldBe(business.OrganizationCode);
        match.Name.ShouldBe(business.Name);
        match.FacilityCount.ShouldBe(1);
        match.Facilities.ShouldHaveSingleItem().ShouldBe(new FacilityMatch(facility.CersId, "Fab 2", facility.Street, "Sacramento", "95814",
            "Sacramento", "SAC-EMD", "Sacramento County Environmental Management Department (sample)"));
    }

    [Fact]
    public async Task A_search_that_matches_nothing_answers_200_with_no_results()
    {
        var byAddress = await SearchAsync($"number={UniqueNames.Number()}&street={UniqueNames.Word()}");
        var byCersId = await SearchAsync("cersId=999999999");

        foreach (var result in new[] { byAddress, byCersId })
        {
            result.TotalBusinesses.ShouldBe(0);
            result.TotalFacilities.ShouldBe(0);
            result.Businesses.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Results_are_paged_by_business_in_a_stable_order_with_totals_over_every_page()
    {
        var number = UniqueNames.Number();
        var street = UniqueNames.Word();
        var expected = new List<string>();
        foreach (var i in Enumerable.Range(1, 25).Reverse())
        {
            var business = await fixture.Api.AddBusinessAsync($"{street} Business {i:00}");
            await fixture.Api.AddFacilityAsync(business, $"{number} {street} Ave");
            expected.Add(business.OrganizationCode);
        }

        expected.Reverse();
        var query = $"number={number}&street={street}&pageSize=10";

        var page1 = await SearchAsync(query + "&page=1");
        var page2 = await SearchAsync(query + "&page=2");
        var page3 = await SearchAsync(query + "&page=3");
        var page4 = await SearchAsync(query + "&page=4");
        var page2Again = await SearchAsync(query + "&page=2");

        foreach (var page in new[] { page1, page2, page3, page4 })
        {
            page.TotalBusinesses.ShouldBe(25);
            page.TotalFacilities.ShouldBe(25);
            page.PageSize.ShouldBe(10);
        }

        page2.Page.ShouldBe(2);
        page1.Businesses.Count.ShouldBe(10);
        page2.Businesses.Count.ShouldBe(10);
        page3.Businesses.Count.ShouldBe(5);
        page4.Businesses.ShouldBeEmpty();
        page1.Businesses.Concat(page2.Businesses).Concat(page3.Businesses).Select(b => b.OrganizationCode).ShouldBe(expected);
        page1.Businesses[0].Name.ShouldBe($"{street} Business 01");
        page2Again.Businesses.Select(b => b.OrganizationCode).ShouldBe(page2.Businesses.Select(b => b.OrganizationCode));
    }

    [Fact]
    public async Task Without_a_page_size_twenty_businesses_come_back()
    {
        var number = UniqueNames.Number();
        foreach (var i in Enumerable.Range(1, 21))
        {
            var business = await fixture.Api.AddBusinessAsync($"{UniqueNames.Word()} {i}");
            await fixture.Api.AddFacilityAsync(business, $"{number} {UniqueNames.Word()} Ct");
        }

        var result = await SearchAsync($"number={number}");

        result.Page.ShouldBe(1);
        result.PageSize.ShouldBe(20);
        result.Businesses.Count.ShouldBe(20);
        result.TotalBusinesses.ShouldBe(21);
    }

    [Fact]
    public async Task A_facility_in_a_city_with_its_own_agency_is_under_that_agency_and_the_rest_of_the_county_under_the_countys()
    {
        var number = UniqueNames.Number();
        var name = UniqueNames.Word();
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Logistics");
        var losAngeles = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Blvd", city: "Los Angeles", zip: "90012", county: "Los Angeles");
        var burbank = await fixture.Api.AddFacilityAsync(business, $"{number} {name} Blvd", city: "Burbank", zip: "91502", county: "Los Angeles County");

        var result = await SearchAsync($"number={number}&street={name}");

        var agencies = result.Businesses.ShouldHaveSingleItem().Facilities.ToDictionary(f => f.CersId, f => f.AgencyCode);
        agencies[losAngeles.CersId].ShouldBe("LAFD-CUPA");
        agencies[burbank.CersId].ShouldBe("LA-EH");
    }

    [Fact]
    public async Task The_search_says_how_it_understood_the_address()
    {
        var number = UniqueNames.Number();

        var result = await SearchAsync($"address={Uri.EscapeDataString($"{number} north main street suite 5, St. Helena, CA 94574")}");

        result.SearchedFor.ShouldBe(new SearchedFor(null, number, "N MAIN ST # 5", "ST HELENA", "94574"));
    }

    private async Task<FacilitySearchResult> SearchAsync(string query)
    {
        using var response = await fixture.GetAsync("/api/facilities/search?" + query, await fixture.ReadTokenAsync());
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<FacilitySearchResult>()).ShouldNotBeNull();
    }

    private static List<int> CersIds(FacilitySearchResult result) =>
        result.Businesses.SelectMany(b => b.Facilities).Select(f => f.CersId).Order().ToList();
}
