using Cers.Data;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Data;

/// <summary>
/// Every engine's migrations match the model. SQLite and PostgreSQL run here; SQL Server cannot, so its
/// migrations are checked against the model and turned into a script, not executed.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class MigrationTests(IdpFactory idp)
{
    [Fact]
    public void Sqlite_migrations_have_no_pending_model_changes()
    {
        using var db = new SqliteIdpDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void SqlServer_migrations_have_no_pending_model_changes()
    {
        using var db = new SqlServerIdpDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void PostgreSql_migrations_have_no_pending_model_changes()
    {
        using var db = new PostgreSqlIdpDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void SqlServer_migration_script_generates_every_table()
    {
        using var db = new SqlServerIdpDbContextFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        foreach (var table in new[] { "AspNetUsers", "OpenIddictApplications", "OpenIddictTokens", "DataProtectionKeys" })
        {
            script.ShouldContain($"CREATE TABLE [{table}]");
        }
    }

    [Fact]
    public async Task The_provider_migrates_its_database_at_start()
    {
        // A SQLite file in the data folder, unless the suite runs on PostgreSQL (CERS_TEST_DATABASE).
        File.Exists(Path.Combine(idp.DataDirectory, "cers-idp.db")).ShouldBe(TestDatabase.Engine == DatabaseProvider.Sqlite);

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();
    }

    [ServerFact]
    public async Task On_PostgreSQL_the_provider_migrates_at_start_seeds_its_clients_and_keeps_its_jobs_beside()
    {
        using var database = PostgreSqlTestDatabase.Create();
        using var data = new TempDirectory("cers-idp-postgres-");
        using var host = new IdpHost(data.Path, database.Settings(DatabaseExtensions.Names.ConnectionStringName).ToDictionary()).Start();

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        db.ShouldBeOfType<PostgreSqlIdpDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        File.Exists(Path.Combine(data.Path, "cers-idp.db")).ShouldBeFalse();

        var clients = await db.Database.SqlQuery<string>($"""SELECT "ClientId" AS "Value" FROM "OpenIddictApplications" """).ToListAsync();
        clients.ShouldContain(DevelopmentClients.RegulatorClientId);

        var jobTables = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM information_schema.tables WHERE table_schema = 'hangfire'
            """).SingleAsync();
        jobTables.ShouldBeGreaterThan(0);
    }
}
