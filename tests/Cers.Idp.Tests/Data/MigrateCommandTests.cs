using System.Net;
using Cers.Data;
using Cers.Idp.Admin;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cers.Idp.Tests.Data;

/// <summary>
/// Deploys on a server database: the <c>migrate</c> command brings the schema, Hangfire's tables and the clients up to
/// date under a database lock, and instances that do not migrate at start refuse to run on a database it has not prepared.
/// </summary>
public sealed class MigrateCommandTests
{
    [ServerFact]
    public async Task Two_migrate_commands_at_once_prepare_the_database_once_and_a_provider_that_does_not_migrate_then_serves_it()
    {
        using var data = new TempDirectory();
        var settings = TestDatabase.ServerSettingsFor(data.Path, DatabaseExtensions.Names.ConnectionStringName).ToDictionary();
        settings["Database:MigrateAtStart"] = "false";

        // Before any deploy step the database is empty: an instance that may not migrate refuses, naming the command.
        using (var early = new IdpHost(data.Path, settings))
        {
            Should.Throw<Exception>(() => early.Start()).ToString().ShouldContain("Run the service's `migrate` command");
        }

        var runs = await Task.WhenAll(RunMigrateAsync(data.Path, settings), RunMigrateAsync(data.Path, settings));
        runs.ShouldAllBe(run => run.ExitCode == 0);
        runs.ShouldAllBe(run => run.Output.Contains("The database is up to date."));

        using var host = new IdpHost(data.Path, settings, kestrel: true).Start();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        var clients = await db.Database.SqlQuery<string>($"""SELECT "ClientId" AS "Value" FROM "OpenIddictApplications" """).ToListAsync();
        clients.ShouldContain(DevelopmentClients.RegulatorClientId);
        clients.Count.ShouldBe(clients.Distinct().Count());

        using var http = host.CreateBackChannel();
        var token = await Duende.IdentityModel.Client.HttpClientTokenRequestExtensions.RequestClientCredentialsTokenAsync(http, new()
        {
            Address = "connect/token",
            ClientId = DevelopmentClients.RegulatorClientId,
            ClientSecret = DevelopmentClients.RegulatorSecret,
            Scope = "facility.read",
        });
        token.IsError.ShouldBeFalse(token.Raw);
    }

    [ServerFact]
    public async Task A_configuration_that_does_not_validate_migrates_nothing()
    {
        using var data = new TempDirectory();
        var settings = TestDatabase.ServerSettingsFor(data.Path, DatabaseExtensions.Names.ConnectionStringName).ToDictionary();
        settings["PasswordPolicy:MinimumLength"] = "2";

        var run = await RunMigrateAsync(data.Path, settings);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("nothing was migrated");
    }

    [ServerFact]
    public async Task Readiness_reports_the_database_and_Redis_and_liveness_stays_up_when_the_database_is_gone()
    {
        using var data = new TempDirectory();
        var settings = TestDatabase.ServerSettingsFor(data.Path, DatabaseExtensions.Names.ConnectionStringName).ToDictionary();
        using var host = new IdpHost(data.Path, settings, kestrel: true).Start();
        using var http = host.CreateBackChannel();

        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        TestDatabase.DropUnder(data.Path);

        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Runs <c>migrate</c> the way Program.cs does: a host built from a command line with the settings.</summary>
    private static async Task<(int? ExitCode, string Output, string Error)> RunMigrateAsync(string dataDirectory, Dictionary<string, string?> settings)
    {
        string[] args =
        [
            "migrate",
            "--environment", "Development",
            "--contentRoot", AppContext.BaseDirectory,
            "--applicationName", "Cers.Idp",
            "--Database:DataDirectory", dataDirectory,
            "--Keys:Directory", dataDirectory,
            .. settings.Select(s => $"--{s.Key}={s.Value}"),
        ];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddIdp();
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        await using var app = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await app.Services.RunCommandAsync(args, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }
}
