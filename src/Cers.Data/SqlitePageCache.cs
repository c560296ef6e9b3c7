using Microsoft.EntityFrameworkCore;

namespace Cers.Data;

/// <summary>
/// A larger SQLite page cache for one long batch job on <c>db</c>'s connection, kept open until disposed and then
/// given back to the pool with the default cache (pooled connections keep their pragmas). SQLite's default of 2 MB
/// holds a small part of the indexes a job over a large table touches, so each batch reads the same index pages
/// from the file again and a batch's cost grows with the table. Nothing to do on the server engines, which size
/// their own buffers.
/// </summary>
public sealed class SqlitePageCache : IAsyncDisposable
{
    private readonly DbContext? _db;

    private SqlitePageCache(DbContext? db) => _db = db;

    public static async Task<SqlitePageCache> EnlargeAsync(DbContext db, int mebibytes, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return new SqlitePageCache(null);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        // A negative size is in KiB; the value is a number, not text, so it cannot carry anything else.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size = {-mebibytes * 1024};", cancellationToken);
#pragma warning restore EF1002
        return new SqlitePageCache(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        try
        {
            // SQLite's default, 2,000 KiB.
            await _db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -2000;");
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }
}
