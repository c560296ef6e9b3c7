using System.Net;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests;

[Collection(FacilityApiCollection.Name)]
public sealed class HealthEndpointTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Health_answers_Healthy_without_a_token()
    {
        using var caller = fixture.Api.CreateCaller();

        var response = await caller.GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }
}
