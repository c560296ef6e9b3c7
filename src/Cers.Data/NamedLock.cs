using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Cers.Data;

/// <summary>What holds a <see cref="NamedLock"/>, and so what ends it.</summary>
internal enum LockOwner
{
    /// <summary>The current transaction: its commit or rollback releases the lock (<see cref="TransactionLocks"/>).</summary>
    Transaction,

    /// <summary>The connection: released by <see cref="NamedLock.ReleaseSessionAsync"/>, or by closing it (<see cref="DatabaseLock"/>).</summary>
    Session,
}

/// <summary>
/// The per-engine SQL for an exclusive lock on a name, for either owner. One home, so a transaction lock and a session
/// lock on the same name take the same PostgreSQL advisory key and the same SQL Server resource. The SQL around the
/// name is fixed text chosen by the owner (so composing it raw carries nothing from outside); the name itself is
/// always a parameter.
/// </summary>
internal static class NamedLock
{
    /// <summary>PostgreSQL advisory locks are keyed by a 64-bit number: the server's own hash of the name.</summary>
    private const string PostgreSqlKey = "hashtextextended({0}, 0)";

    /// <summary>Waits for the lock <paramref name="name"/>; a no-op on SQLite, whose one write lock already serializes writers.</summary>
    public static Task AcquireAsync(DatabaseFacade database, string name, LockOwner owner, CancellationToken cancellationToken)
    {
        if (database.Engine() == DatabaseProvider.PostgreSql)
        {
            var function = owner == LockOwner.Transaction ? "pg_advisory_xact_lock" : "pg_advisory_lock";
            var sql = $"SELECT {function}({PostgreSqlKey})";
            return database.ExecuteSqlRawAsync(sql, [name], cancellationToken);
        }

        if (database.Engine() == DatabaseProvider.SqlServer)
        {
            // A transaction's lock guards a request and should be brief; a session's guards a deploy's migrations.
            var (timeoutMilliseconds, what) = owner == LockOwner.Transaction ? (30000, "application lock") : (600000, "database lock");
            var sql = $$"""
                DECLARE @granted int;
                EXEC @granted = sp_getapplock @Resource = {0}, @LockMode = 'Exclusive', @LockOwner = '{{owner}}', @LockTimeout = {{timeoutMilliseconds}};
                IF @granted < 0 THROW 51000, 'The {{what}} was not granted.', 1;
                """;
            return database.ExecuteSqlRawAsync(sql, [name], cancellationToken);
        }

        return Task.CompletedTask;
    }

    /// <summary>Releases a <see cref="LockOwner.Session"/> lock (a transaction's ends with the transaction).</summary>
    public static Task ReleaseSessionAsync(DatabaseFacade database, string name)
    {
        if (database.Engine() == DatabaseProvider.PostgreSql)
        {
            return database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(" + PostgreSqlKey + ")", [name], CancellationToken.None);
        }

        if (database.Engine() == DatabaseProvider.SqlServer)
        {
            return database.ExecuteSqlRawAsync("EXEC sp_releaseapplock @Resource = {0}, @LockOwner = 'Session'", [name], CancellationToken.None);
        }

        return Task.CompletedTask;
    }
}
