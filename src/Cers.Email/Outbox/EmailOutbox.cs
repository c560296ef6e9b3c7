using Microsoft.EntityFrameworkCore;

namespace Cers.Email.Outbox;

/// <summary>Writes owed emails into the caller's unit of work; the caller's <c>SaveChanges</c> commits them with its change.</summary>
public sealed class EmailOutbox(TimeProvider time)
{
    /// <summary>
    /// Whether <paramref name="toAddress"/> already got <paramref name="cap"/> emails of this kind in the
    /// last 24 hours: the per-address limit on emails a stranger can trigger (resend, reset, reminders
    /// of a username), on top of the per-IP limit, so nobody can fill someone's mailbox.
    /// </summary>
    public async Task<bool> IsOverDailyCapAsync(DbContext db, string toAddress, string kind, int cap, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime.AddDays(-1);
        var address = StoredAddress(toAddress);
        var recent = await db.Set<OutboxEmail>()
            .Where(e => e.ToAddress == address && e.Kind == kind && e.CreatedAt > since)
            .Take(cap)
            .CountAsync(cancellationToken);
        return recent >= cap;
    }

    /// <summary>
    /// Addresses are kept in lower case: Victim@example.com and VICTIM@example.com are one mailbox (every mail
    /// system CERS writes to treats them so), and must not get a daily cap each.
    /// </summary>
    private static string StoredAddress(string address) => address.ToLowerInvariant();

    private static string Clamp(string value, int length) => value.Length <= length ? value : value[..(length - 1)] + "\u2026";

    public void Add(DbContext db, OutgoingEmail email)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.Set<OutboxEmail>().Add(new OutboxEmail
        {
            IdempotencyKey = email.IdempotencyKey,
            Kind = email.Kind,
            ToAddress = StoredAddress(email.ToAddress),
            RecipientId = email.RecipientId,
            // Names and subjects carry text users typed (a business name, a person's name): cut to the
            // columns, so a long one cannot fail the change that owes the email (SQL Server refuses what
            // does not fit; SQLite would not say).
            ToName = Clamp(email.ToName, OutboxModel.ToNameMaxLength),
            Subject = Clamp(email.Subject, OutboxModel.SubjectMaxLength),
            TextBody = email.TextBody,
            HtmlBody = email.HtmlBody,
            CreatedAt = now,
            NextAttemptAt = now,
            TraceParent = EmailTracing.CurrentTraceParent(),
        });
    }
}
