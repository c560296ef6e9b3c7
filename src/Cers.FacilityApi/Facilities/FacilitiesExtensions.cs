namespace Cers.FacilityApi.Facilities;

public static class FacilitiesExtensions
{
    public static IHostApplicationBuilder AddFacilities(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<FacilityAddressSearch>();
        builder.Services.AddScoped<FacilityRegistration>();
        builder.Services.AddScoped<FacilityCreation>();
        return builder;
    }
}
