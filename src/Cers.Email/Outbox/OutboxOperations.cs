using Cers.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Cers.Email.Outbox;

/// <summary>How much the outbox still owes: emails waiting to be sent (queued or retrying) and those set aside for good.</summary>
public sealed record OutboxBacklog(int Waiting, DateTime? OldestWaitingSince, int Retrying, int SetAside, int Discarded);

/// <summary>
/// One email as the email operations page shows it: never a body, which may hold an activation link. The last error
/// may name addresses; it is shown to CERS admins only.
/// </summary>
public sealed record OutboxEntry(
    long Id,
    string Kind,
    string ToAddress,
    string Subject,
    DateTime CreatedAt,
    int Attempts,
    DateTime NextAttemptAt,
    DateTime? FailedAt,
    string? LastError,
    bool BeingSent);

public sealed record OutboxEntryPage(IReadOnlyList<OutboxEntry> Items, int Page, int PageSize, int Total)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>What came of an admin's retry or discard.</summary>
public enum OutboxActionOutcome
{
    /// <summary>The change was made (and audited).</summary>
    Done,

    NotFound,

    /// <summary>It went out already.</summary>
    AlreadySent,

    /// <summary>Someone discarded it already.</summary>
    AlreadyDiscarded,

    /// <summary>
    /// It is neither set aside nor waiting out a retry delay: a delivery run holds it, it is due now (another admin's
    /// retry), or it was never tried. Nothing was changed; the page shows where it stands now.
    /// </summary>
    NotAtRest,
}

public sealed record OutboxActionResult(OutboxActionOutcome Outcome, OutboxEntry? Email);

/// <summary>
/// The email operations of CERS admins over one service's outbox, the same at the provider and the facility API: the
/// backlog, the emails retrying and those set aside, and two commands, retry now and discard.
/// <para>
/// Both commands change only an email <em>at rest</em> (<see cref="AtRest"/>): set aside, or waiting out a retry delay
/// with no delivery run holding it. Each is one conditional update of that row, so it cannot race the delivery job
/// (which claims only due rows, and holds a claim only while its lease runs) and two admins clicking at once get one
/// outcome: either command leaves the row no longer at rest, and the second click changes nothing. The caller's audit
/// row is written in the same transaction, so a change is never made unaudited, nor audited unmade.
/// </para>
/// </summary>
public sealed partial class OutboxOperations<TContext>(
    TContext db,
    OutboxSignal<TContext> signal,
    TimeProvider time,
    ILogger<OutboxOperations<TContext>> logger)
    where TContext : DbContext
{
    public const int PageSize = 20;

    private IQueryable<OutboxEmail> Outbox => db.Set<OutboxEmail>().AsNoTracking();

    private static IQueryable<OutboxEmail> Waiting(IQueryable<OutboxEmail> outbox) =>
        outbox.Where(e => e.SentAt == null && e.FailedAt == null && e.DiscardedAt == null);

    private static IQueryable<OutboxEmail> SetAside(IQueryable<OutboxEmail> outbox) =>
        outbox.Where(e => e.SentAt == null && e.FailedAt != null && e.DiscardedAt == null);

    /// <summary>Set aside, or tried and waiting out its delay unclaimed: the only emails an admin may retry or discard.</summary>
    private static IQueryable<OutboxEmail> AtRest(IQueryable<OutboxEmail> outbox, DateTime now) =>
        outbox.Where(e => e.SentAt == null && e.DiscardedAt == null
            && (e.FailedAt != null || (e.Attempts > 0 && e.ClaimToken == null && e.NextAttemptAt > now)));

    public async Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var waiting = Waiting(Outbox);
        return new OutboxBacklog(
            await waiting.CountAsync(cancellationToken),
            await waiting.OrderBy(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(cancellationToken),
            await waiting.CountAsync(e => e.Attempts > 0, cancellationToken),
            await SetAside(Outbox).CountAsync(cancellationToken),
            await Outbox.CountAsync(e => e.SentAt == null && e.DiscardedAt != null, cancellationToken));
    }

    /// <summary>Emails tried and not yet sent, the next due first.</summary>
    public Task<OutboxEntryPage> RetryingAsync(int page, CancellationToken cancellationToken) =>
        PageAsync(Waiting(Outbox).Where(e => e.Attempts > 0).OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id), page, cancellationToken);

    /// <summary>Emails set aside for good (refused by the server, or out of attempts), the latest first.</summary>
    public Task<OutboxEntryPage> SetAsideAsync(int page, CancellationToken cancellationToken) =>
        PageAsync(SetAside(Outbox).OrderByDescending(e => e.FailedAt).ThenByDescending(e => e.Id), page, cancellationToken);

    /// <summary>
    /// Makes an email at rest due now, no longer set aside, and nudges delivery once committed. Its attempts are kept
    /// (they are its history): one past the attempt limit is set aside again if this try fails too.
    /// </summary>
    public async Task<OutboxActionResult> RetryNowAsync(long id, string admin, Action<OutboxEntry> audit, CancellationToken cancellationToken)
    {
        // Due since it was written, not since "now": a command racing this one read its clock a moment earlier,
        // and must not find the email waiting out a delay (at rest) again. It also goes out first.
        var result = await ChangeAtRestAsync(id, audit, (rows, now) => rows.ExecuteUpdateAsync(set => set
            .SetProperty(e => e.FailedAt, (DateTime?)null)
            .SetProperty(e => e.NextAttemptAt, e => e.CreatedAt)
            .SetProperty(e => e.ClaimToken, (Guid?)null), cancellationToken), cancellationToken);
        if (result.Outcome == OutboxActionOutcome.Done)
        {
            LogRetriedNow(logger, id, result.Email!.Kind, admin);
            signal.Nudge();
        }

        return result;
    }

    /// <summary>Marks an email at rest discarded by <paramref name="admin"/>: never sent, never deleted.</summary>
    public async Task<OutboxActionResult> DiscardAsync(long id, string admin, Action<OutboxEntry> audit, CancellationToken cancellationToken)
    {
        var result = await ChangeAtRestAsync(id, audit, (rows, now) => rows.ExecuteUpdateAsync(set => set
            .SetProperty(e => e.DiscardedAt, now)
            .SetProperty(e => e.DiscardedBy, admin), cancellationToken), cancellationToken);
        if (result.Outcome == OutboxActionOutcome.Done)
        {
            LogDiscarded(logger, id, result.Email!.Kind, admin);
        }

        return result;
    }

    /// <summary>
    /// The conditional update first (on SQLite it takes the write lock before anything is read, so two admins queue
    /// rather than both read and one fail to write), then the audit in the same transaction.
    /// </summary>
    private Task<OutboxActionResult> ChangeAtRestAsync(long id, Action<OutboxEntry> audit,
        Func<IQueryable<OutboxEmail>, DateTime, Task<int>> change, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var changed = await change(AtRest(db.Set<OutboxEmail>(), now).Where(e => e.Id == id), now) == 1;
            var entry = await Outbox.Where(e => e.Id == id).Select(Entry(now)).SingleOrDefaultAsync(ct);
            if (entry is null)
            {
                return new OutboxActionResult(OutboxActionOutcome.NotFound, null);
            }

            if (changed)
            {
                audit(entry);
                await db.SaveChangesAsync(ct);
                return new OutboxActionResult(OutboxActionOutcome.Done, entry);
            }

            var state = await Outbox.Where(e => e.Id == id).Select(e => new { e.SentAt, e.DiscardedAt }).SingleAsync(ct);
            return new OutboxActionResult(
                state.SentAt is not null ? OutboxActionOutcome.AlreadySent
                : state.DiscardedAt is not null ? OutboxActionOutcome.AlreadyDiscarded
                : OutboxActionOutcome.NotAtRest,
                entry);
        }, cancellationToken);

    private async Task<OutboxEntryPage> PageAsync(IQueryable<OutboxEmail> emails, int page, CancellationToken cancellationToken)
    {
        var total = await emails.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var items = await emails.Skip((page - 1) * PageSize).Take(PageSize).Select(Entry(time.GetUtcNow().UtcDateTime)).ToListAsync(cancellationToken);
        return new OutboxEntryPage(items, page, PageSize, total);
    }

    private static System.Linq.Expressions.Expression<Func<OutboxEmail, OutboxEntry>> Entry(DateTime now) => e => new OutboxEntry(
        e.Id, e.Kind, e.ToAddress, e.Subject, e.CreatedAt, e.Attempts, e.NextAttemptAt, e.FailedAt, e.LastError,
        e.FailedAt == null && e.ClaimToken != null && e.NextAttemptAt > now);

    // No addresses: logs redact them (the audit and the page name the recipient).
    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} ({Kind}) retried now by {Admin}")]
    private static partial void LogRetriedNow(ILogger logger, long emailId, string kind, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {EmailId} ({Kind}) discarded by {Admin}; it will not be sent")]
    private static partial void LogDiscarded(ILogger logger, long emailId, string kind, string admin);
}
