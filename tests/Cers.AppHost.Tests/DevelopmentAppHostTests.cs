using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Cers.AppHost.Tests;

/// <summary>
/// The development app host's model, built (not run): what it starts and how the services are reached.
/// </summary>
public sealed class DevelopmentAppHostTests
{
    [Theory]
    [InlineData("idp", 5001)]
    [InlineData("facility-api", 5002)]
    [InlineData("business-portal", 5003)]
    public async Task Each_service_listens_on_its_own_address_so_it_sees_each_visitors_address_and_not_a_proxy_s(string name, int port)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Cers_AppHost>();

        var service = builder.Resources.Single(r => r.Name == name);
        var http = service.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");

        // Behind Aspire's development proxy every connection would come from the proxy, and the per-address rate
        // limits would put every visitor into one bucket (a security review filled it with 8 registrations).
        http.IsProxied.ShouldBeFalse();
        http.Port.ShouldBe(port);
    }
}
