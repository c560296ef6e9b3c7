namespace Cers.FacilityApi.AccessRequests;

public static class AccessRequestsExtensions
{
    public static IHostApplicationBuilder AddAccessRequests(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccessRequestRouter>();
        builder.Services.AddScoped<AccessRequestDecisions>();
        return builder;
    }
}
