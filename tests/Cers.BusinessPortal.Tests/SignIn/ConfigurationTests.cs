using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Cers.BusinessPortal.Tests.SignIn;

public sealed class ConfigurationTests
{
    [Fact]
    public void Outside_Development_a_portal_without_its_settings_refuses_to_start_naming_each_missing_key()
    {
        using var portal = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Logging:LogLevel:Default", "None");
        });

        var messages = AllMessages(Should.Throw<Exception>(() => portal.CreateClient()));

        messages.ShouldContain("Oidc:Authority must be the absolute URL of the CERS identity provider");
        messages.ShouldContain("Oidc:ClientSecret is required");
        messages.ShouldContain("FacilityApi:BaseAddress must be the absolute URL");
        messages.ShouldContain("Redis:Configuration is required outside Development");
        messages.ShouldContain("the portal's Data Protection keys must be shared by its instances");
        messages.ShouldContain("DataProtection:Certificate:Path is required outside Development");
    }

    [Fact]
    public void A_facility_API_address_that_is_not_absolute_is_refused_at_start()
    {
        using var portal = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Logging:LogLevel:Default", "None");
            builder.UseSetting("FacilityApi:BaseAddress", "/api");
        });

        var messages = AllMessages(Should.Throw<Exception>(() => portal.CreateClient()));

        messages.ShouldNotContain("Oidc:");
        messages.ShouldContain("FacilityApi:BaseAddress must be the absolute URL");
    }

    /// <summary>The validation messages of the failure, whether one options class failed or several (an AggregateException).</summary>
    private static string AllMessages(Exception failure) => failure switch
    {
        AggregateException all => string.Join(" ", all.InnerExceptions.Select(AllMessages)),
        OptionsValidationException options => string.Join(" ", options.Failures),
        _ => throw new ShouldAssertException($"Start failed with something other than a validation failure: {failure}"),
    };
}
