using System.Linq.Expressions;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// The recurring jobs over pending requests (DESIGN.md): remind approvers of requests pending N
/// days (again every N days), escalate a Lead-User-routed request to the regulator after M days,
/// expire a request after K days. Each walks the due requests in batches of
/// <see cref="AccessRequestOptions.BatchSize"/> by age (the (Status, CreatedAt) index), and claims
/// each request with a conditional update, so two runs at once (two servers, a retry) act on it once,
/// and a decision made meanwhile wins: a decided request no longer matches. The claim, its history
/// event, audit entry and emails commit together.
/// </summary>
public sealed partial class PendingAccessRequestJobs(
    FacilityDbContext db,
    AccessRequestEmails emails,
    IOptions<AccessRequestOptions> options,
    TimeProvider time,
    FacilityApiMetrics metrics,
    ILogger<PendingAccessRequestJobs> logger)
{
    /// <summary>Reminds the approvers of requests waiting N days since they were made or last reminded.</summary>
    public async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var dueBy = now - settings.ReminderAfter;
        var expiresBy = now - settings.ExpireAfter;
        var reminded = await ForEachDueAsync(
            r => (r.RemindedAt ?? r.CreatedAt) <= dueBy && r.CreatedAt > expiresBy,
            async (request, ct) =>
            {
                var before = request.RemindedAt;
                var claimed = await db.AccessRequests
                    .Where(r => r.Id == request.Id && r.Status == AccessRequestStatus.Pending && r.RemindedAt == before)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.RemindedAt, now), ct);
                if (claimed == 0)
                {
                    return false;
                }

                AddEvent(request.Id, AccessRequestEventKind.Reminded, AccessRequestStatus.Pending, now, $"Approvers reminded ({request.Route}).");
                await emails.AddReminderAsync(request.Id, now, now, ct);
                return true;
            },
            cancellationToken);
        if (reminded > 0)
        {
            LogReminded(logger, reminded);
            metrics.Reminded(reminded);
        }

        return reminded;
    }

    /// <summary>Routes to the regulator the Lead-User-routed requests that waited M days; Lead Users may still decide them.</summary>
    public async Task<int> EscalateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var dueBy = now - settings.EscalateAfter;
        var expiresBy = now - settings.ExpireAfter;
        var escalated = await ForEachDueAsync(
            r => r.Route == AccessRequestRoute.LeadUser && r.EscalatedAt == null && r.AgencyId != null
                && r.CreatedAt <= dueBy && r.CreatedAt > expiresBy,
            async (request, ct) =>
            {
                var claimed = await db.AccessRequests
                    .Where(r => r.Id == request.Id && r.Status == AccessRequestStatus.Pending
                        && r.Route == AccessRequestRoute.LeadUser && r.EscalatedAt == null)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(r => r.Route, AccessRequestRoute.Regulator)
                        .SetProperty(r => r.EscalatedAt, now)
                        // The escalation email is the reminder of this period; the next one is N days on.
                        .SetProperty(r => r.RemindedAt, now)
                        .SetProperty(r => r.UpdatedAt, now), ct);
                if (claimed == 0)
                {
                    return false;
                }

                var detail = $"No Lead User decided within {settings.EscalateAfter.TotalDays:0.##} days; routed to the regulator.";
                AddEvent(request.Id, AccessRequestEventKind.Escalated, AccessRequestStatus.Pending, now, detail);
                AddAudit(request, AuditKinds.AccessEscalated, now, detail);
                await emails.AddEscalatedAsync(request.Id, ct);
                return true;
            },
            cancellationToken);
        if (escalated > 0)
        {
            LogEscalated(logger, escalated);
            metrics.Escalated(escalated);
        }

        return escalated;
    }

    /// <summary>Expires requests pending K days. The version moves on, so a decision posted with the old one is refused.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var expiresBy = now - settings.ExpireAfter;
        var expired = await ForEachDueAsync(
            r => r.CreatedAt <= expiresBy,
            async (request, ct) =>
            {
                var claimed = await db.AccessRequests
                    .Where(r => r.Id == request.Id && r.Status == AccessRequestStatus.Pending)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(r => r.Status, AccessRequestStatus.Expired)
                        .SetProperty(r => r.UpdatedAt, now)
                        .SetProperty(r => r.Version, r => r.Version + 1), ct);
                if (claimed == 0)
                {
                    return false;
                }

                var detail = $"No decision within {settings.ExpireAfter.TotalDays:0.##} days.";
                AddEvent(request.Id, AccessRequestEventKind.Expired, AccessRequestStatus.Expired, now, detail);
                AddAudit(request, AuditKinds.AccessExpired, now, detail);
                await emails.AddExpiredAsync(request.Id, ct);
                return true;
            },
            cancellationToken);
        if (expired > 0)
        {
            LogExpired(logger, expired);
            metrics.Expired(expired);
        }

        return expired;
    }

    /// <summary>
    /// Pending requests matching <paramref name="due"/>, oldest first, a batch per transaction, read
    /// untracked and paged by (CreatedAt, Id) so each batch reads on from where the last stopped.
    /// </summary>
    private async Task<int> ForEachDueAsync(Expression<Func<AccessRequest, bool>> due,
        Func<AccessRequest, CancellationToken, Task<bool>> handle, CancellationToken cancellationToken)
    {
        var batchSize = options.Value.BatchSize;
        var handled = 0;
        var afterTime = DateTime.MinValue;
        var afterId = 0L;
        while (true)
        {
            var from = afterTime;
            var fromId = afterId;
            var batch = await db.AccessRequests.AsNoTracking()
                .Where(r => r.Status == AccessRequestStatus.Pending)
                .Where(due)
                .Where(r => r.CreatedAt > from || (r.CreatedAt == from && r.Id > fromId))
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return handled;
            }

            afterTime = batch[^1].CreatedAt;
            afterId = batch[^1].Id;
            handled += await db.InTransactionAsync(async ct =>
            {
                var count = 0;
                foreach (var request in batch)
                {
                    if (await handle(request, ct))
                    {
                        count++;
                    }
                }

                await db.SaveChangesAsync(ct);
                return count;
            }, cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    private void AddEvent(long requestId, AccessRequestEventKind kind, AccessRequestStatus status, DateTime now, string detail) =>
        db.AccessRequestEvents.Add(new AccessRequestEvent
        {
            AccessRequestId = requestId,
            OccurredAt = now,
            Kind = kind,
            Status = status,
            Detail = detail,
        });

    private void AddAudit(AccessRequest request, string kind, DateTime now, string detail) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            Kind = kind,
            BusinessId = request.BusinessId,
            AccessRequestId = request.Id,
            Detail = detail,
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Access request approvers reminded: {Count} requests")]
    private static partial void LogReminded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Access requests escalated to the regulator: {Count}")]
    private static partial void LogEscalated(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Access requests expired: {Count}")]
    private static partial void LogExpired(ILogger logger, int count);
}
