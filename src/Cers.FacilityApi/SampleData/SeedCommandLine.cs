using System.Globalization;
using Cers.FacilityApi.Data;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.SampleData;

/// <summary>
/// The <c>seed</c> command, run instead of the web server on the same configuration and database:
/// <c>dotnet run --project src/Cers.FacilityApi -- seed --facilities 1000000</c>; and <c>migrate</c> (<see cref="MigrateCommand"/>). Exit codes: 0 done,
/// 1 refused (not Development, or the configuration is invalid), 2 the command line is wrong.
/// </summary>
public static class SeedCommandLine
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int UsageError = 2;

    /// <summary>Runs the command <paramref name="args"/> names, if any.</summary>
    /// <returns>The process exit code, or null when the arguments name no command and the server should start.</returns>
    public static Task<int?> RunCommandAsync(this WebApplication app, string[] args) =>
        app.Services.RunCommandAsync(app.Environment, args, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int?> RunCommandAsync(this IServiceProvider services, IHostEnvironment environment, IReadOnlyList<string> args,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await MigrateCommand.RunAsync<FacilityDbContext>(services, args, prepare: null, output, error, cancellationToken) is { } migrated)
        {
            return migrated;
        }

        if (args.Count == 0 || !string.Equals(args[0], SeedArguments.CommandName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var (arguments, help, errors) = SeedArguments.Parse(args);
        if (help)
        {
            await output.WriteLineAsync(SeedArguments.Usage);
            return Done;
        }

        if (arguments is null)
        {
            foreach (var problem in errors)
            {
                await error.WriteLineAsync(problem);
            }

            await error.WriteLineAsync();
            await error.WriteLineAsync(SeedArguments.Usage);
            return UsageError;
        }

        if (!environment.IsDevelopment())
        {
            await error.WriteLineAsync($"Sample data is for Development; this is {environment.EnvironmentName}, so nothing was written.");
            return Refused;
        }

        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException invalid)
        {
            await error.WriteLineAsync("The configuration is not valid, so nothing was written:");
            foreach (var failure in invalid.Failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            return Refused;
        }

        await services.MigrateExclusivelyAsync<FacilityDbContext>(prepare: null, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<SampleDataSeeder>();
        var agencies = await seeder.SeedAgenciesAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Added {agencies} sample agencies."));
        if (arguments.AgenciesOnly)
        {
            return Done;
        }

        var result = await seeder.SeedFacilitiesAsync(arguments.Facilities, arguments.Seed, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Added {result.Facilities:N0} sample facilities in {result.Businesses:N0} businesses " +
            $"(CERS IDs {result.FirstCersId}-{result.FirstCersId + result.Facilities - 1}) in {result.Elapsed.TotalSeconds:F1} s."));
        return Done;
    }
}
