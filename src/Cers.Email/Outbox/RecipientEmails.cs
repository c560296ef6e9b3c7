using Microsoft.EntityFrameworkCore;

namespace Cers.Email.Outbox;

/// <summary>Where an email stands, as a person's Email History says it.</summary>
public enum DeliveryState
{
    Queued,
    Sent,
    Retrying,
    Failed,

    /// <summary>A CERS admin discarded it before it was sent: it will not be sent.</summary>
    Discarded,
}

/// <summary>One email written for an account, as its Email History shows it: never the body (sent bodies held single-use links).</summary>
public sealed record RecipientEmail(DateTime CreatedAt, DateTime? SentAt, string Subject, string Kind, string ToAddress, DeliveryState State);

/// <summary>
/// The emails an outbox holds for one account (<see cref="OutboxEmail.RecipientId"/>), newest first: the one
/// reading of a person's Email History, whichever service wrote the emails.
/// </summary>
public static class RecipientEmails
{
    public static IQueryable<OutboxEmail> For(this IQueryable<OutboxEmail> outbox, string recipientId) =>
        outbox.AsNoTracking().Where(e => e.RecipientId == recipientId);

    public static async Task<List<RecipientEmail>> PageAsync(this IQueryable<OutboxEmail> outbox, string recipientId, int skip, int take,
        CancellationToken cancellationToken)
    {
        var rows = await outbox.For(recipientId)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Skip(skip)
            .Take(take)
            .Select(e => new { e.CreatedAt, e.SentAt, e.FailedAt, e.DiscardedAt, e.Attempts, e.Subject, e.Kind, e.ToAddress })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(e => new RecipientEmail(e.CreatedAt, e.SentAt, e.Subject, e.Kind, e.ToAddress, StateOf(e.SentAt, e.FailedAt, e.DiscardedAt, e.Attempts)))];
    }

    /// <summary>Sent wins over discarded: an email a delivery run had already handed to the server went out, whatever came after.</summary>
    public static DeliveryState StateOf(DateTime? sentAt, DateTime? failedAt, DateTime? discardedAt, int attempts) =>
        sentAt is not null ? DeliveryState.Sent
        : discardedAt is not null ? DeliveryState.Discarded
        : failedAt is not null ? DeliveryState.Failed
        : attempts > 0 ? DeliveryState.Retrying
        : DeliveryState.Queued;
}
