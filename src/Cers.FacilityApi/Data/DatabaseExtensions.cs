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
    /// Runs a bulk load the way the engine takes one best. SQLite: a 256 MB page cache
    /// (<see cref="SqlitePageCache"/>), large enough for the index pages the load touches (with the
    /// default 2 MB a million facilities spill index pages back and forth and load in 35 s instead of
    /// about 20); then <c>ANALYZE</c>, because without statistics SQLite chooses among the facility
    /// indexes by their shape alone and reads (number, business) where (number, ZIP) narrows far more.
    /// The write-ahead log is truncated after. SQL Server keeps its statistics itself.
    /// </summary>
    public static async Task<T> BulkLoadAsync<T>(this FacilityDbContext db, Func<Task<T>> load, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return await load();
        }

        await using var cache = await SqlitePageCache.EnlargeAsync(db, mebibytes: 256, cancellationToken);
        var result = await load();
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit = 1000; ANALYZE;", cancellationToken);

        // The load went through the write-ahead log; fold it into the database and give its space back
        // (otherwise the -wal file stays as large as the data it carried, about 270 MB for a million).
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        return result;
    }
}
