using Cers.Idp.Data;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Admin;

/// <summary>
/// Maintenance commands that run instead of the web server, on the same configuration and database:
/// <c>dotnet run --project src/Cers.Idp -- create-admin --username ... </c>, <c>migrate</c> (<see cref="MigrateCommand"/>) and
/// <c>keys</c> (<see cref="Keys.KeysCommand"/>). Exit codes: 0 done,
/// 1 refused (the account or the configuration does not allow it), 2 the command line is wrong.
/// </summary>
public static class AdminCommandLine
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int UsageError = 2;

    /// <summary>Runs the command <paramref name="args"/> names, if any, on the console.</summary>
    /// <returns>The process exit code, or null when the arguments name no command and the server should start.</returns>
    public static Task<int?> RunCommandAsync(this WebApplication app, string[] args) =>
        app.Services.RunCommandAsync(args, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int?> RunCommandAsync(this IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        if (await MigrateCommand.RunAsync<IdpDbContext>(services, args, IdpHostingExtensions.SeedClientsAsync, output, error, cancellationToken) is { } migrated)
        {
            return migrated;
        }

        if (await Keys.KeysCommand.RunAsync(services, args, output, error, cancellationToken) is { } keys)
        {
            return keys;
        }

        if (args.Count == 0 || !string.Equals(args[0], CreateAdminArguments.CommandName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parsed = CreateAdminArguments.Parse(args);
        if (parsed.Help)
        {
            await output.WriteLineAsync(CreateAdminArguments.Usage);
            return Done;
        }

        if (parsed.Arguments is null)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem);
            }

            await error.WriteLineAsync();
            await error.WriteLineAsync(CreateAdminArguments.Usage);
            return UsageError;
        }

        try
        {
            // The same checks the server makes at start (an issuer outside Development, and so on): the
            // printed link is built on that configuration.
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException invalid)
        {
            await error.WriteLineAsync("The provider's configuration is not valid, so no account was changed:");
            foreach (var failure in invalid.Failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            return Refused;
        }

        await services.MigrateExclusivelyAsync<IdpDbContext>(IdpHostingExtensions.SeedClientsAsync, cancellationToken);

        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AdminEnrollment>().EnrollAsync(parsed.Arguments, cancellationToken);
        await ReportAsync(parsed.Arguments, result, output, error);
        return result.Outcome == AdminEnrollmentOutcome.Refused ? Refused : Done;
    }

    private static async Task ReportAsync(CreateAdminArguments arguments, AdminEnrollmentResult result, TextWriter output, TextWriter error)
    {
        var who = $"'{arguments.UserName}'";
        switch (result.Outcome)
        {
            case AdminEnrollmentOutcome.Refused:
                await error.WriteLineAsync($"No account was changed. {result.Problem}");
                return;
            case AdminEnrollmentOutcome.Created:
                await output.WriteLineAsync($"Created the CERS admin account {who} ({arguments.FirstName} {arguments.LastName}, {arguments.Email}). It has no password yet.");
                break;
            case AdminEnrollmentOutcome.Promoted:
                await output.WriteLineAsync($"The account {who} is now a CERS admin.");
                break;
            default:
                await output.WriteLineAsync($"The account {who} is a CERS admin already; nothing changed.");
                break;
        }

        if (result.ProtectionPhrase is not null)
        {
            await output.WriteLineAsync($"Protection phrase shown at sign-in: \"{result.ProtectionPhrase}\"");
        }

        if (result.PasswordLink is null)
        {
            await output.WriteLineAsync("The account has a password already: sign in as usual.");
            return;
        }

        await output.WriteLineAsync("Give this link to the account's owner only. It sets the password, works once, and expires in one hour");
        await output.WriteLineAsync("(run this command again for a new one):");
        await output.WriteLineAsync();
        await output.WriteLineAsync(result.PasswordLink);
    }
}
