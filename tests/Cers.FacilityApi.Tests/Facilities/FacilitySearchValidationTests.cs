using System.Net;
using System.Text.Json;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Facilities;

/// <summary>Bad searches get an RFC 7807 problem with field errors (never a 500); no token is 401, the wrong scope 403.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class FacilitySearchValidationTests(FacilityApiFixture fixture)
{
    private const string SearchPath = "/api/facilities/search";

    public static TheoryData<string, string> BadSearches => new()
    {
        { "cersId=123", "cersId" },
        { "cersId=abc", "cersId" },
        { "cersId=1234567890", "cersId" },
        { "cersId=01234567", "cersId" },
        { "cersId=-10000001", "cersId" },
        { "cersId=10000001&number=5", "cersId" },
        { "number=1&zip=9581", "zip" },
        { "number=1&zip=ABCDE", "zip" },
        { "number=1&zip=958141", "zip" },
        { "number=1&zip=95814&zip=95815", "zip" },
        { "number=12345678901", "number" },
        { "number=abc", "number" },
        { "number=1234567890", "number" },
        { "number=1&street=" + new string('a', 101), "street" },
        { "number=1&street=...%23%23", "street" },
        { "number=1&city=" + new string('b', 51), "city" },
        { "number=1&city=%2F%2F", "city" },
        { "address=" + new string('9', 201), "address" },
        { "address=Main+St%2C+Sacramento", "address" },
        { "address=1+Main+St&number=1", "address" },
        { "address=1234567890+Main+St", "address" },
        { "number=5&street=6+Main+St", "street" },
        { "number=1&page=0", "page" },
        { "number=1&page=-1", "page" },
        { "number=1&page=99999999999", "page" },
        { "number=1&page=1001", "page" },
        { "number=1&page=abc", "page" },
        { "number=1&page=1.5", "page" },
        { "number=1&pageSize=0", "pageSize" },
        { "number=1&pageSize=101", "pageSize" },
        { "number=1&pageSize=-5", "pageSize" },
        { "number=1&pageSize=2147483648", "pageSize" },
        { "", "search" },
        { "page=2", "search" },
        { "street=Main+St", "number" },
        { "city=Sacramento&zip=95814", "number" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task A_bad_search_gets_a_400_problem_naming_the_field_and_writes_nothing(string query, string field)
    {
        var before = await fixture.Api.CountRowsAsync();

        using var response = await fixture.GetAsync($"{SearchPath}?{query}", await fixture.ReadTokenAsync());

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe(400);
        problem.RootElement.GetProperty("title").GetString().ShouldBe("The search is not valid.");
        var errors = problem.RootElement.GetProperty("errors");
        errors.TryGetProperty(field, out var messages).ShouldBeTrue(body);
        messages.GetArrayLength().ShouldBeGreaterThan(0);
        (await fixture.Api.CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named_in_one_problem()
    {
        using var response = await fixture.GetAsync($"{SearchPath}?number=1&zip=1&page=0&pageSize=500", await fixture.ReadTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["page", "pageSize", "zip"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(SearchPath + "?number=1")]
    [InlineData("/api/agencies")]
    public async Task A_request_without_a_token_is_rejected_with_401(string path)
    {
        using var response = await fixture.GetAsync(path, accessToken: null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(challenge => challenge.Scheme == "Bearer");
    }

    [Theory]
    [InlineData(SearchPath + "?number=1")]
    [InlineData("/api/agencies")]
    public async Task A_provider_token_without_the_facility_read_scope_is_refused_with_403(string path)
    {
        var token = await fixture.RequestRegulatorTokenAsync("facility.regulator");
        token.IsError.ShouldBeFalse(token.Error);

        using var response = await fixture.GetAsync(path, token.AccessToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
