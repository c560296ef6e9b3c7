using Microsoft.EntityFrameworkCore;

namespace Cers.Email.Outbox;

public static class OutboxModel
{
    public const int ToNameMaxLength = 200;
    public const int SubjectMaxLength = 300;

    /// <summary>Maps the outbox table into a service's own database, so an email is committed with the change that owes it.</summary>
    public static ModelBuilder MapEmailOutbox(this ModelBuilder builder)
    {
        builder.Entity<OutboxEmail>(email =>
        {
            email.ToTable("EmailOutbox");
            email.HasKey(e => e.Id);
            email.Property(e => e.IdempotencyKey).HasMaxLength(200);
            email.HasIndex(e => e.IdempotencyKey).IsUnique();
            email.Property(e => e.Kind).HasMaxLength(50);
            email.Property(e => e.ToAddress).HasMaxLength(256);
            email.Property(e => e.RecipientId).HasMaxLength(450);
            email.Property(e => e.ToName).HasMaxLength(ToNameMaxLength);
            email.Property(e => e.Subject).HasMaxLength(SubjectMaxLength);
            email.Property(e => e.LastError).HasMaxLength(1000);
            email.Property(e => e.DiscardedBy).HasMaxLength(256);
            email.Property(e => e.TraceParent).HasMaxLength(EmailTracing.TraceParentMaxLength);

            // The delivery job's query: unsent, not failed for good, due.
            email.HasIndex(e => new { e.SentAt, e.FailedAt, e.NextAttemptAt });

            // The per-address daily caps: how many emails of a kind went to an address lately.
            email.HasIndex(e => new { e.ToAddress, e.Kind, e.CreatedAt });

            // A person's Email History, newest first.
            email.HasIndex(e => new { e.RecipientId, e.CreatedAt });
        });
        return builder;
    }
}
