using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Activation;

/// <summary>
/// Removes pending accounts whose activation window has passed, freeing their username and email;
/// an <c>expired</c> audit event keeps the record. Batches of <see cref="ActivationOptions.BatchSize"/>,
/// each one transaction: mark the batch <see cref="AccountStatus"/>-expired (a conditional update, so a
/// second run at the same moment marks nothing twice), write the audit events for exactly the rows
/// this run marked and delete them, both as single statements in the database. Memory stays at one
/// batch's identifiers however many accounts expire.
/// </summary>
public sealed partial class PendingAccountExpiryJob(
    IdpDbContext db,
    IOptions<ActivationOptions> options,
    TimeProvider time,
    ILogger<PendingAccountExpiryJob> logger)
{
    /// <summary>Rows this run is expiring; never committed as such (they are deleted in the same transaction).</summary>
    private const AccountStatus Expiring = AccountStatus.Expired;

    private const string ExpiringStatus = nameof(AccountStatus.Expired);

    private const string ExpiredDetail = "not activated within the activation window";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var expired = 0;
        await using var cache = await SqlitePageCache.EnlargeAsync(db, mebibytes: 64, cancellationToken);
        while (true)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var registeredBefore = now - settings.Window;
            var batch = await db.Users
                .Where(u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= registeredBefore)
                .OrderBy(u => u.RegisteredAt)
                .Select(u => new { u.Id, u.RegisteredAt })
                .Take(settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var ids = batch.ConvertAll(u => u.Id);

            // Every id in the batch was registered at or before the newest of them (registration times never
            // change), so this bound marks the same rows as the window's cutoff would. It matters for SQLite:
            // without statistics its planner serves the update from the (Status, RegisteredAt) index rather
            // than the primary key, and bounded by the cutoff that range is the whole backlog, read again for
            // every batch (in the benchmark a million pending accounts took over 20 minutes instead of under 3).
            var newest = batch[^1].RegisteredAt;

            var expiredInBatch = 0;
            await db.InTransactionAsync(async ct =>
            {
                var marked = await db.Users
                    .Where(u => ids.Contains(u.Id) && u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= newest)
                    .ExecuteUpdateAsync(set => set.SetProperty(u => u.Status, Expiring), ct);
                if (marked > 0)
                {
                    // Set-based: the audit rows are written from the marked rows by the database, and the marked rows
                    // deleted, without bringing them here. The rows in state Expiring are exactly this batch: an expired
                    // account is deleted in the transaction that marks it, so none is ever committed in that state, and
                    // another run's marked rows are not visible (or, on SQLite, not being written) meanwhile. The
                    // identifiers are quoted the standard way, which all three engines read.
                    expiredInBatch = await db.Database.ExecuteSqlInterpolatedAsync($"""
                        INSERT INTO "AuditEvents" ("OccurredAt", "Kind", "SubjectId", "UserName", "Detail")
                        SELECT {now}, {AuditKinds.Expired}, "Id", "UserName", {ExpiredDetail}
                        FROM "AspNetUsers" WHERE "Status" = {ExpiringStatus}
                        """, ct);
                    await db.Users.Where(u => u.Status == Expiring).ExecuteDeleteAsync(ct);
                }
            }, cancellationToken);
            expired += expiredInBatch;

            db.ChangeTracker.Clear();
        }

        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending accounts expired: {Count}")]
    private static partial void LogExpired(ILogger logger, int count);
}
