using Microsoft.Extensions.DependencyInjection;

namespace Cers.Data;

/// <summary>
/// The <c>migrate</c> command of both services: <c>dotnet Cers.Idp.dll migrate</c> (or <c>dotnet run --project ... -- migrate</c>)
/// with the deploy's configuration applies the migrations and seeds what the service seeds, under the database lock
/// (<see cref="DatabaseSetup.MigrateExclusivelyAsync{TContext}"/>), then exits: 0 done, 1 refused (the configuration is
/// not valid). Run once per deploy, before the new instances start; they then need no schema rights.
/// </summary>
public static class MigrateCommand
{
    public const string CommandName = "migrate";

    /// <returns>The exit code, or null when <paramref name="args"/> name another command or none.</returns>
    public static async Task<int?> RunAsync<TContext>(IServiceProvider services, IReadOnlyList<string> args,
        Func<IServiceProvider, CancellationToken, Task>? prepare, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        where TContext : Microsoft.EntityFrameworkCore.DbContext
    {
        if (args.Count == 0 || !string.Equals(args[0], CommandName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException invalid)
        {
            await error.WriteLineAsync("The configuration is not valid, so nothing was migrated:");
            foreach (var failure in invalid.Failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            return 1;
        }

        await services.MigrateExclusivelyAsync<TContext>(prepare, cancellationToken);
        await output.WriteLineAsync("The database is up to date.");
        return 0;
    }
}
