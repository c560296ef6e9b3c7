using Cers.FacilityApi.Data;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Data;

/// <summary>
/// Every engine's migrations match the model. SQLite and PostgreSQL run here; SQL Server cannot, so its
/// migrations are checked against the model and turned into a script, not executed.
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
    public void PostgreSql_migrations_have_no_pending_model_changes()
    {
        using var db = new PostgreSqlFacilityDbContextFactory().CreateDbContext([]);
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
    public async Task The_API_migrates_its_database_at_start_with_the_counters_set()
    {
        // A SQLite file in the data folder, unless the suite runs on PostgreSQL (CERS_TEST_DATABASE).
        File.Exists(Path.Combine(fixture.Api.DataDirectory, DatabaseExtensions.Names.SqliteFileName))
            .ShouldBe(TestDatabase.Engine == DatabaseProvider.Sqlite);

        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();
        (await db.KeyCounters.SingleAsync(c => c.Name == KeyCounter.CersId)).NextValue.ShouldBeGreaterThanOrEqualTo(KeyCounter.FirstCersId);
    }

    [ServerFact]
    public async Task On_PostgreSQL_the_API_migrates_at_start_with_byte_order_search_columns_and_its_job_tables_beside()
    {
        using var database = PostgreSqlTestDatabase.Create();
        using var data = new TempDirectory("cers-facility-postgres-");
        using var api = new FacilityApiHost(fixture.Idp.BaseAddress, data.Path, database.Settings(DatabaseExtensions.Names.ConnectionStringName));

        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        db.ShouldBeOfType<PostgreSqlFacilityDbContext>();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.KeyCounters.SingleAsync(c => c.Name == KeyCounter.OrganizationCode)).NextValue.ShouldBeGreaterThanOrEqualTo(KeyCounter.FirstOrganizationCode);
        File.Exists(Path.Combine(data.Path, DatabaseExtensions.Names.SqliteFileName)).ShouldBeFalse();

        var collations = await db.Database.SqlQuery<string>($"""
            SELECT column_name || ' ' || coalesce(collation_name, '-') AS "Value" FROM information_schema.columns
            WHERE table_name = 'Facilities' AND column_name IN ('StreetNumber', 'StreetName', 'CityKey', 'Name')
            ORDER BY column_name
            """).ToListAsync();
        collations.ShouldBe(["CityKey C", "Name -", "StreetName C", "StreetNumber C"]);

        var jobTables = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM information_schema.tables WHERE table_schema = 'hangfire'
            """).SingleAsync();
        jobTables.ShouldBeGreaterThan(0);
    }
}
