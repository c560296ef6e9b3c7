using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Activation;

/// <summary>
/// Removes pending accounts whose activation window has passed, freeing their username and email;
/// an <c>expired</c> audit event keeps the record. Batches of <see cref="ActivationOptions.BatchSize"/>,
/// each one transaction in which the database writes the audit events and deletes the accounts by
/// set-based statements (<see cref="ExpireAsync"/>), so that an account activated meanwhile or expired
/// by a second run at the same moment is neither deleted nor recorded twice. Memory stays at one
/// batch's registration times however many accounts expire.
/// </summary>
public sealed partial class PendingAccountExpiryJob(
    IdpDbContext db,
    IOptions<ActivationOptions> options,
    TimeProvider time,
    IdpMetrics metrics,
    ILogger<PendingAccountExpiryJob> logger)
{
    /// <summary>Rows this run is expiring; never committed as such (they are deleted in the same transaction).</summary>
    private const AccountStatus Expiring = AccountStatus.Expired;

    private const string ExpiringStatus = nameof(AccountStatus.Expired);

    private const string PendingStatus = nameof(AccountStatus.PendingActivation);

    private const string ExpiredDetail = "not activated within the activation window";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var expired = 0;
        await using var batchMode = await SqliteBatchMode.EnterAsync(db, cacheMebibytes: 64, cancellationToken);
        DateTime? from = null;
        while (true)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var registeredBefore = now - settings.Window;

            // The batch is the oldest due accounts, named by the range of their registration times: every pending account
            // registered in that range is due (it is before the cutoff) and in the batch, or registered at the same instant
            // as its first or last. The statements below select by that range on the (Status, RegisteredAt) index, with no
            // list of identifiers to send, and SQLite's planner, which has no statistics for this table, takes that index
            // for a range of one batch rather than the whole backlog. Each batch starts where the last one ended: on
            // PostgreSQL the index keeps the deleted accounts' entries until a vacuum, and a range open at the bottom
            // would step over all of them again each time. An account left behind below that (one that changed while the
            // run came to it) waits for the next run.
            var due = db.Users.Where(u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= registeredBefore);
            if (from is { } after)
            {
                due = due.Where(u => u.RegisteredAt >= after);
            }

            var times = await due
                .OrderBy(u => u.RegisteredAt)
                .Select(u => u.RegisteredAt)
                .Take(settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (times.Count == 0)
            {
                break;
            }

            var (oldest, newest) = (times[0], times[^1]);
            from = newest;

            var expiredInBatch = await db.InTransactionAsync(ct => ExpireAsync(oldest, newest, now, ct), cancellationToken);
            if (expiredInBatch == 0)
            {
                // Found, but activated (or expired by another run) before this one came to them: the rest, if any, waits for
                // the next run rather than being looked for again at once.
                break;
            }

            expired += expiredInBatch;

            db.ChangeTracker.Clear();
        }

        if (expired > 0)
        {
            LogExpired(logger, expired);
            metrics.Expired(expired);
        }

        return expired;
    }

    /// <summary>
    /// In the caller's transaction, writes an <c>expired</c> audit event for each pending account registered from
    /// <paramref name="oldest"/> to <paramref name="newest"/> and deletes it; the number expired. Each engine by the statements that are
    /// exact under its own isolation:
    /// <list type="bullet">
    /// <item>PostgreSQL: one statement, the delete feeding the insert. Under read committed a row activated (or
    /// deleted by another run) after the statement began is checked again before it is deleted, so only what
    /// is deleted is recorded.</item>
    /// <item>SQLite: the insert, then the delete, with the same condition. Its transactions take the write lock
    /// when they begin (BEGIN IMMEDIATE), so nothing changes the table between the two.</item>
    /// <item>SQL Server: a conditional update marks this run's rows first (a second run at the same moment marks
    /// none of them), then the marked rows are recorded and deleted; a marked account is deleted in the
    /// transaction that marks it, so no other transaction ever sees that state committed.</item>
    /// </list>
    /// The identifiers are quoted the standard way, which all three engines read.
    /// </summary>
    private async Task<int> ExpireAsync(DateTime oldest, DateTime newest, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Database.Engine() == DatabaseProvider.PostgreSql)
        {
            return await db.Database.ExecuteSqlInterpolatedAsync($"""
                WITH "Expired" AS (
                    DELETE FROM "AspNetUsers"
                    WHERE "Status" = {PendingStatus} AND "RegisteredAt" >= {oldest} AND "RegisteredAt" <= {newest}
                    RETURNING "Id", "UserName")
                INSERT INTO "AuditEvents" ("OccurredAt", "Kind", "SubjectId", "UserName", "Detail")
                SELECT {now}, {AuditKinds.Expired}, "Id", "UserName", {ExpiredDetail} FROM "Expired"
                """, cancellationToken);
        }

        if (db.Database.Engine() == DatabaseProvider.Sqlite)
        {
            var recorded = await RecordExpiredAsync(PendingStatus, oldest, newest, now, cancellationToken);
            await db.Users.Where(u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt >= oldest && u.RegisteredAt <= newest)
                .ExecuteDeleteAsync(cancellationToken);
            return recorded;
        }

        var marked = await db.Users
            .Where(u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt >= oldest && u.RegisteredAt <= newest)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Status, Expiring), cancellationToken);
        if (marked == 0)
        {
            return 0;
        }

        var expired = await RecordExpiredAsync(ExpiringStatus, oldest, newest, now, cancellationToken);
        await db.Users.Where(u => u.Status == Expiring && u.RegisteredAt >= oldest && u.RegisteredAt <= newest).ExecuteDeleteAsync(cancellationToken);
        return expired;
    }

    /// <summary>Writes an <c>expired</c> audit event for each account in <paramref name="status"/> registered from <paramref name="oldest"/> to <paramref name="newest"/>.</summary>
    private Task<int> RecordExpiredAsync(string status, DateTime oldest, DateTime newest, DateTime now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "AuditEvents" ("OccurredAt", "Kind", "SubjectId", "UserName", "Detail")
            SELECT {now}, {AuditKinds.Expired}, "Id", "UserName", {ExpiredDetail}
            FROM "AspNetUsers" WHERE "Status" = {status} AND "RegisteredAt" >= {oldest} AND "RegisteredAt" <= {newest}
            """, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending accounts expired: {Count}")]
    private static partial void LogExpired(ILogger logger, int count);
}
