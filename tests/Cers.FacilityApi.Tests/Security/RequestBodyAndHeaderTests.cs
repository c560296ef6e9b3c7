using System.Net;
using System.Text;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Security;

/// <summary>
/// Bodies the API cannot read as declared get 415 problem details, never a 500 (a security review sent
/// <c>charset=utf-7</c> and got one); every answer carries the security headers, and no page of the API
/// can be framed.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class RequestBodyAndHeaderTests(FacilityApiFixture fixture)
{
    [Theory]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=iso-2022-jp")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("not a media type")]
    public async Task A_body_in_an_unsupported_charset_or_media_type_gets_415_problem_details_and_changes_nothing(string contentType)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create();

        using var response = await PostAsync(scenario, requester, contentType);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await scenario.RequestCountOfAsync(requester)).ShouldBe(0);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=us-ascii")]
    public async Task A_JSON_body_in_UTF_8_or_ASCII_is_read(string contentType)
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        using var response = await PostAsync(scenario, TestUser.Create(), contentType);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JSON_answers_carry_headers_that_forbid_framing_sniffing_referrers_and_running_anything()
    {
        using var response = await fixture.GetAsync("/api/me", await fixture.ReadTokenAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("frame-ancestors 'none'");
    }

    [Theory]
    [InlineData("/scalar/")]
    [InlineData("/api/me")]
    [InlineData("/health")]
    public async Task No_page_of_the_API_can_be_framed_by_another_site(string path)
    {
        using var response = await fixture.GetAsync(path, null);

        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Fact]
    public async Task The_API_reference_may_run_its_own_scripts_and_read_the_OpenAPI_document_from_the_API_only()
    {
        using var response = await fixture.GetAsync("/scalar/", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self' 'unsafe-inline'");
        csp.ShouldContain("connect-src 'self'");
    }

    private async Task<HttpResponseMessage> PostAsync(AccessRequestScenario scenario, TestUser requester, string contentType)
    {
        using var caller = fixture.Api.CreateCaller();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/access-requests")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(
                $$"""{"cersId":{{scenario.Facility.CersId}},"phone":"916-555-0100","title":"Manager","requestedRole":"Editor"}""")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.TokenFor(requester));
        return await caller.SendAsync(request);
    }
}
