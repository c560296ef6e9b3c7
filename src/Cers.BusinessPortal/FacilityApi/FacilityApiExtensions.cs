using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Cers.BusinessPortal.FacilityApi;

public static class FacilityApiExtensions
{
    public static IHostApplicationBuilder AddFacilityApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FacilityApiOptions>()
            .BindConfiguration(FacilityApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpContextAccessor();
        // The standard resilience handler (timeouts, circuit breaker, retries) comes from the service
        // defaults, which add it to every HttpClient.
        builder.Services.AddHttpClient<FacilityApiClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<FacilityApiOptions>>().Value.BaseAddress);

        // A POST that timed out may have been carried out: sent again, it could decide or create twice, or
        // redeem a refresh token a second time, which the provider takes for theft and answers by revoking
        // the session. So no client of the portal retries anything but safe methods. (The service defaults
        // add the handler to every client; ConfigureAll reaches its options whatever name they are under.)
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options => options.Retry.DisableForUnsafeHttpMethods());
        return builder;
    }
}
