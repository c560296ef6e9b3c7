using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.SampleData;

public static class SampleDataExtensions
{
    public const int DefaultSeed = 20_261_128;

    public static IHostApplicationBuilder AddSampleData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SampleDataOptions>()
            .BindConfiguration(SampleDataOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<SampleDataSeeder>();
        return builder;
    }

    /// <summary>
    /// Development only: the sample agencies (the provider's sample regulator carries <c>SAC-EMD</c>),
    /// and the sample facilities when the database has none yet.
    /// </summary>
    public static async Task SeedDevelopmentSampleDataAsync(this IServiceProvider services, IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<SampleDataOptions>>().Value;
        if (!environment.IsDevelopment() || !options.SeedAtStart)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<SampleDataSeeder>();
        await seeder.SeedAgenciesAsync(cancellationToken);

        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        if (options.Facilities > 0 && !await db.Facilities.AnyAsync(cancellationToken))
        {
            await seeder.SeedFacilitiesAsync(options.Facilities, options.Seed, cancellationToken);
        }
    }
}
