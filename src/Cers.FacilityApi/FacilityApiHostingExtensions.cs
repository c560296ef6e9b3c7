using Cers.FacilityApi.Security;

namespace Cers.FacilityApi;

public static class FacilityApiHostingExtensions
{
    public static IHostApplicationBuilder AddFacilityApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.AddTokenValidation();
        return builder;
    }

    public static WebApplication UseFacilityApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapCallerEndpoints();
        app.MapDefaultEndpoints();
        return app;
    }
}
