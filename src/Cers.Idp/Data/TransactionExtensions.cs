using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction under the provider's execution strategy: SQL
    /// Server's retrying strategy refuses a bare user transaction, because it could not replay it. Each
    /// attempt starts from an empty change tracker, so a retry re-reads the rows instead of replaying the
    /// failed attempt's in-memory changes; <paramref name="work"/> must therefore load what it changes.
    /// </summary>
    public static Task InTransactionAsync(this DbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await work(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
}
