using Microsoft.EntityFrameworkCore;

namespace Cers.Data;

/// <summary>Serializing transactions that must not interleave (a check and the write it allows).</summary>
public static class TransactionLocks
{
    /// <summary>
    /// Holds an exclusive lock named <paramref name="resource"/> until the current transaction ends, so a second
    /// transaction asking for the same name waits for the first to commit and then sees what it wrote: a count then a
    /// write (a limit), or a write then a count (the business's last Lead User), cannot interleave. PostgreSQL: a
    /// transaction-scoped advisory lock; SQL Server: an application lock owned by the transaction; SQLite: nothing to
    /// do, since an explicit transaction there begins IMMEDIATE and already holds the database's one write lock.
    /// </summary>
    public static async Task LockAsync(this DbContext db, string resource, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A lock is taken inside the transaction it protects.");
        }

        await NamedLock.AcquireAsync(db.Database, resource, LockOwner.Transaction, cancellationToken);
    }
}
