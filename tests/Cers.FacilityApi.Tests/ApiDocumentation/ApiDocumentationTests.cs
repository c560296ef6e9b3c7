using System.Net;
using System.Text.Json;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.ApiDocumentation;

[Collection(FacilityApiCollection.Name)]
public sealed class ApiDocumentationTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task The_OpenAPI_document_is_served_without_a_token_and_describes_the_search_and_the_bearer_scheme()
    {
        using var response = await fixture.GetAsync("/openapi/v1.json", accessToken: null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var search = root.GetProperty("paths").GetProperty("/api/facilities/search").GetProperty("get");
        search.GetProperty("operationId").GetString().ShouldBe("SearchFacilities");
        search.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString())
            .ShouldBe(["cersId", "number", "street", "city", "zip", "address", "page", "pageSize"], ignoreOrder: true);
        search.GetProperty("responses").TryGetProperty("400", out _).ShouldBeTrue();
        root.GetProperty("paths").TryGetProperty("/api/agencies", out _).ShouldBeTrue();
        root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
    }

    [Fact]
    public async Task The_business_history_and_its_CSV_file_are_described()
    {
        using var response = await fixture.GetAsync("/openapi/v1.json", accessToken: null);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var history = paths.GetProperty("/api/businesses/{organizationCode}/history").GetProperty("get");
        history.GetProperty("operationId").GetString().ShouldBe("GetBusinessHistory");
        history.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
        history.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString())
            .ShouldBe(["organizationCode", "page", "pageSize"], ignoreOrder: true);
        history.GetProperty("responses").EnumerateObject().Select(r => r.Name).ShouldBe(["200", "400", "401", "403", "404"], ignoreOrder: true);
        var csv = paths.GetProperty("/api/businesses/{organizationCode}/history.csv").GetProperty("get");
        csv.GetProperty("operationId").GetString().ShouldBe("DownloadBusinessHistory");
        csv.GetProperty("responses").GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name).ShouldBe(["text/csv"]);
    }

    [Fact]
    public async Task The_regulator_console_is_described_under_the_Regulator_tag()
    {
        using var response = await fixture.GetAsync("/openapi/v1.json", accessToken: null);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        (string Path, string Method, string OperationId)[] operations =
        [
            ("/api/regulator/facilities", "get", "ListJurisdictionFacilities"),
            ("/api/regulator/businesses", "get", "ListJurisdictionBusinesses"),
            ("/api/regulator/businesses/{organizationCode}/members/{membershipId}/remove", "post", "RemoveMemberAsRegulator"),
            ("/api/regulator/businesses/{organizationCode}/lead-user", "post", "AppointLeadUser"),
        ];
        foreach (var (path, method, operationId) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            operation.GetProperty("operationId").GetString().ShouldBe(operationId);
            operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["Regulator"]);
            operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
            operation.GetProperty("description").GetString().ShouldNotBeNull().ShouldContain("not_regulator");
            operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ShouldContain("403");
            operation.GetProperty("responses").TryGetProperty("409", out _).ShouldBe(method == "post", path);
        }

        paths.GetProperty("/api/regulator/facilities").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ShouldBe(["q", "page"], ignoreOrder: true);
        paths.GetProperty("/api/regulator/businesses/{organizationCode}/lead-user").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_API_reference_page_is_served_without_a_token()
    {
        using var response = await fixture.GetAsync("/scalar/", accessToken: null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var page = await response.Content.ReadAsStringAsync();
        page.ShouldContain("<title>CERS Facility API</title>");
        page.ShouldContain("\"url\":\"openapi/v1.json\"");
    }
}
