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
/// this run marked, delete them. Memory stays at one batch however many accounts expire.
/// </summary>
public sealed partial class PendingAccountExpiryJob(
    IdpDbContext db,
    IOptions<ActivationOptions> options,
    TimeProvider time,
    ILogger<PendingAccountExpiryJob> logger)
{
    /// <summary>Rows this run is expiring; never committed as such (they are deleted in the same transaction).</summary>
    private const AccountStatus Expiring = AccountStatus.Expired;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var expired = 0;
        while (true)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var registeredBefore = now - settings.Window;
            var ids = await db.Users
                .Where(u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= registeredBefore)
                .OrderBy(u => u.RegisteredAt)
                .Select(u => u.Id)
                .Take(settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            var expiredInBatch = 0;
            await db.InTransactionAsync(async ct =>
            {
                var marked = await db.Users
                    .Where(u => ids.Contains(u.Id) && u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= registeredBefore)
                    .ExecuteUpdateAsync(set => set.SetProperty(u => u.Status, Expiring), ct);
                if (marked > 0)
                {
                    var gone = await db.Users
                        .Where(u => ids.Contains(u.Id) && u.Status == Expiring)
                        .Select(u => new { u.Id, u.UserName })
                        .ToListAsync(ct);
                    db.AuditEvents.AddRange(gone.Select(u => new AuditEvent
                    {
                        OccurredAt = now,
                        Kind = AuditKinds.Expired,
                        SubjectId = u.Id,
                        UserName = u.UserName,
                        Detail = "not activated within the activation window",
                    }));
                    await db.SaveChangesAsync(ct);
                    await db.Users.Where(u => ids.Contains(u.Id) && u.Status == Expiring).ExecuteDeleteAsync(ct);
                    expiredInBatch = gone.Count;
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
