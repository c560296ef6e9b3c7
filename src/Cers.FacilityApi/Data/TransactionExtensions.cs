using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Data;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction under the provider's execution strategy: SQL
    /// Server's retrying strategy refuses a bare user transaction, because it could not replay it.
    /// Inside a transaction already begun, <paramref name="work"/> joins it, so that several steps
    /// (a business, its facility, its Lead User) commit or roll back together.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is not null ? work(cancellationToken) : db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
}
