using Microsoft.EntityFrameworkCore;

namespace Cers.Email.Outbox;

/// <summary>Writes owed emails into the caller's unit of work; the caller's <c>SaveChanges</c> commits them with its change.</summary>
public sealed class EmailOutbox(TimeProvider time)
{
    public void Add(DbContext db, OutgoingEmail email)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.Set<OutboxEmail>().Add(new OutboxEmail
        {
            IdempotencyKey = email.IdempotencyKey,
            Kind = email.Kind,
            ToAddress = email.ToAddress,
            ToName = email.ToName,
            Subject = email.Subject,
            TextBody = email.TextBody,
            HtmlBody = email.HtmlBody,
            CreatedAt = now,
            NextAttemptAt = now,
        });
    }
}
