using Microsoft.EntityFrameworkCore;

namespace Cers.Data;

/// <summary>
/// One contract for every transaction of both services.
/// <list type="bullet">
/// <item>Inside a transaction already begun on <c>db</c>, <c>work</c> joins it: several steps (a business, its
/// facility, its Lead User) commit or roll back together, and the outer call owns retries.</item>
/// <item>Otherwise it runs in a transaction of its own under the engine's execution strategy (SQL Server's
/// retrying strategy refuses a bare user transaction, which it could not replay). Each attempt starts from an
/// empty change tracker, so a retry re-reads what it changes instead of replaying the failed attempt's
/// in-memory changes: <c>work</c> must load what it changes, inside.</item>
/// <item>It commits when <c>work</c> returns and rolls back when it throws.</item>
/// </list>
/// </summary>
public static class TransactionExtensions
{
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is not null ? work(cancellationToken) : db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);

    public static Task InTransactionAsync(this DbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            await work(ct);
            return true;
        }, cancellationToken);
}
