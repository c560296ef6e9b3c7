using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Data;

/// <summary>
/// Both engines' migrations match the model. SQL Server cannot run here, so its migrations are
/// checked against the model and turned into a script, not executed.
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
    public async Task The_provider_migrates_a_SQLite_file_in_its_data_directory_at_start()
    {
        File.Exists(Path.Combine(idp.DataDirectory, "cers-idp.db")).ShouldBeTrue();

        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();
    }
}
