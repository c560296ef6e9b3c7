using Microsoft.EntityFrameworkCore;

namespace Cers.Data;

/// <summary>
/// A lock on the whole database, held by one connection until disposed: whoever holds it may change the schema and
/// the seeded rows while every other instance (or deploy) asking for the same name waits. PostgreSQL: a session
/// advisory lock; SQL Server: a session application lock; SQLite: none needed, it is one file on one machine and
/// its migrations run in a write transaction.
/// </summary>
public sealed class DatabaseLock : IAsyncDisposable
{
    private readonly DbContext _db;
    private readonly string _name;

    private DatabaseLock(DbContext db, string name)
    {
        _db = db;
        _name = name;
    }

    /// <summary>Opens <paramref name="db"/>'s connection (kept open until disposed) and waits for the lock <paramref name="name"/>.</summary>
    public static async Task<DatabaseLock> HoldAsync(DbContext db, string name, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await NamedLock.AcquireAsync(db.Database, name, LockOwner.Session, cancellationToken);
        return new DatabaseLock(db, name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await NamedLock.ReleaseSessionAsync(_db.Database, _name);
        }
        finally
        {
            // A session lock also ends with its session: closing is what releases it if the statement above failed.
            await _db.Database.CloseConnectionAsync();
        }
    }
}
