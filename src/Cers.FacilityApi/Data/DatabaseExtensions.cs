using Cers.Email.Outbox;
using Cers.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Data;

public static class DatabaseExtensions
{
    /// <summary>The facility API's database: <c>ConnectionStrings:FacilityDb</c>, or <c>cers-facility.db</c> in the data folder.</summary>
    public static readonly ServiceDatabase Names = new("FacilityDb", "cers-facility.db");

    /// <summary>The facility API's database on the configured engine (see <see cref="DatabaseSetup"/>), with the outbox's commit signal.</summary>
    public static IHostApplicationBuilder AddFacilityDatabase(this IHostApplicationBuilder builder, out JobStore jobStore) =>
        builder.AddServiceDatabase<FacilityDbContext, SqliteFacilityDbContext, SqlServerFacilityDbContext, PostgreSqlFacilityDbContext>(Names, (services, db) => db
            .AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<FacilityDbContext>>()), out jobStore);

    /// <summary>
    /// Runs a bulk load the way the engine takes one best. SQLite: batch mode with a 256 MB page cache
    /// (<see cref="SqliteBatchMode"/>), large enough for the index pages the load touches (with the
    /// default 2 MB a million facilities spill index pages back and forth and load in 35 s instead of
    /// about 20); then <c>ANALYZE</c>, because without statistics SQLite chooses among the facility
    /// indexes by their shape alone and reads (number, business) where (number, ZIP) narrows far more.
    /// PostgreSQL: <c>VACUUM (ANALYZE)</c>, since its autovacuum gathers statistics for the new rows and marks
    /// their pages all-visible only some time later, and the first searches would be planned and run without them.
    /// SQL Server updates its statistics itself when a query first needs them.
    /// </summary>
    public static async Task<T> BulkLoadAsync<T>(this FacilityDbContext db, Func<Task<T>> load, CancellationToken cancellationToken)
    {
        if (db.Database.Engine() == DatabaseProvider.PostgreSql)
        {
            // A load's prepared statements are planned for every execution: after five, PostgreSQL may keep a generic plan
            // made while the tables were nearly empty (a sequential scan for the lookup of the codes just written), which
            // reads the whole growing table each time (the million took over ten minutes instead of about 80 s).
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SET plan_cache_mode = force_custom_plan;", cancellationToken);
                var loaded = await load();

                // Vacuumed as well as analyzed, as autovacuum would leave them some time later: until a vacuum marks the new
                // pages all-visible, a search cannot answer from its covering index alone and reads a heap page for every
                // facility it counts (the plan of a number-only search read 360 pages of the table before, none after).
                // The loaded tables only: a plain VACUUM also visits the shared catalogs, and warns that only a superuser may.
                await db.Database.ExecuteSqlRawAsync("""VACUUM (ANALYZE) "Businesses", "Facilities";""", cancellationToken);
                return loaded;
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("RESET plan_cache_mode;", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }

        if (db.Database.Engine() != DatabaseProvider.Sqlite)
        {
            return await load();
        }

        await using var batchMode = await SqliteBatchMode.EnterAsync(db, cacheMebibytes: 256, cancellationToken);
        var result = await load();
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit = 1000; ANALYZE;", cancellationToken);

        // The load went through the write-ahead log; fold it into the database and give its space back (otherwise the
        // -wal file stays as large as the data it carried, about 270 MB for a million). A seed may wait for readers.
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        return result;
    }
}
