namespace Cers.FacilityApi.History;

public static class HistoryExtensions
{
    /// <summary>The timeline and its sources; a new source is one more line here.</summary>
    public static IHostApplicationBuilder AddBusinessHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<IBusinessHistorySource, AccessRequestHistorySource>();
        builder.Services.AddScoped<IBusinessHistorySource, AuditHistorySource>();
        builder.Services.AddScoped<BusinessHistory>();
        return builder;
    }
}
