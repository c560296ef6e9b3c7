using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cers.FacilityApi.Tests;

public sealed class ProductionConfigurationTests
{
    [Fact]
    public void Outside_Development_the_API_refuses_SQLite_unencrypted_dashboard_keys_and_no_Redis_for_the_dashboard_naming_the_settings()
    {
        using var data = new TempDirectory();
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Logging:LogLevel:Default", "None");
            builder.UseSetting("Authentication:Authority", "https://idp.example.gov/");
            builder.UseSetting("Database:DataDirectory", data.Path);
            builder.UseSetting("JobsDashboard:ClientSecret", "jobs-dashboard-secret-0123456789abcdef");
        });

        var failure = Should.Throw<Exception>(() => api.CreateClient()).ToString();

        failure.ShouldContain("Database:Provider is Sqlite, which only Development uses");
        failure.ShouldContain("ConnectionStrings:FacilityDb");
        failure.ShouldContain("DataProtection:Certificate:Path is required outside Development");
        // The dashboard's sessions ended by back-channel logout are shared by every instance.
        failure.ShouldContain("Redis:Configuration is required outside Development");
    }
}
