using Cers.FacilityApi.Data;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Data;

/// <summary>
/// Both engines' migrations match the model. SQL Server cannot run here, so its migrations are
/// checked against the model and turned into a script, not executed.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class MigrationTests(FacilityApiFixture fixture)
{
    [Fact]
    public void Sqlite_migrations_have_no_pending_model_changes()
    {
        using var db = new SqliteFacilityDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void SqlServer_migrations_have_no_pending_model_changes()
    {
        using var db = new SqlServerFacilityDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public void SqlServer_migration_script_generates_every_table_and_the_filtered_unique_indexes()
    {
        using var db = new SqlServerFacilityDbContextFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct().ToList();
        tables.ShouldContain("Facilities");
        tables.ShouldContain("EmailOutbox");
        foreach (var table in tables)
        {
            script.ShouldContain($"CREATE TABLE [{table}]");
        }

        // The idempotent script wraps each filtered index in EXEC(N'...'), doubling its quotes.
        script.ShouldContain("([RequesterSubject], [BusinessId]) WHERE [Status] = ''Pending''");
        script.ShouldContain("([UserSubject], [BusinessId]) WHERE [Status] = ''Active''");
        script.ShouldContain("COLLATE Latin1_General_100_BIN2");
    }

    [Fact]
    public async Task The_API_migrates_a_SQLite_file_in_its_data_directory_at_start_with_the_counters_set()
    {
        File.Exists(Path.Combine(fixture.Api.DataDirectory, DatabaseExtensions.Names.SqliteFileName)).ShouldBeTrue();

        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();
        (await db.KeyCounters.SingleAsync(c => c.Name == KeyCounter.CersId)).NextValue.ShouldBeGreaterThanOrEqualTo(KeyCounter.FirstCersId);
    }
}
