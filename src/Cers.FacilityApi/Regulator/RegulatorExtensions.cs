namespace Cers.FacilityApi.Regulator;

public static class RegulatorExtensions
{
    public static IHostApplicationBuilder AddRegulatorConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<RegulatorMemberActions>();
        return builder;
    }
}
