namespace Cers.Email.Outbox;

/// <summary>
/// One email a state change owes, stored in the same transaction as that change and sent by
/// <see cref="OutboxDeliveryJob{TContext}"/>. <see cref="IdempotencyKey"/> is unique, so a change
/// retried or run on two servers writes the email once, and it becomes the message's
/// <c>Message-ID</c>, so a resend after a crash between "sent" and "recorded" is one message to the
/// recipient's mail system.
/// </summary>
public sealed class OutboxEmail
{
    public long Id { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>Which template produced it (activation, reminder...), for logs and the admin view; never the body.</summary>
    public required string Kind { get; set; }

    public required string ToAddress { get; set; }

    /// <summary>The account (<c>sub</c>) the email is for, when it is for one: what a person's Email History lists.</summary>
    public string? RecipientId { get; set; }

    public string ToName { get; set; } = "";

    public required string Subject { get; set; }

    public required string TextBody { get; set; }

    public required string HtmlBody { get; set; }

    /// <summary>UTC. DateTime rather than DateTimeOffset so SQLite can compare and order it in SQL.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC. Due when in the past; a claim pushes it forward by the claim lease, a failure by the backoff.</summary>
    public DateTime NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>
    /// Set when the SMTP server refused the recipient for good (5xx), or the attempts ran out: such an email is set
    /// aside and not retried unless an admin retries it (<see cref="OutboxOperations{TContext}.RetryNowAsync"/>).
    /// </summary>
    public DateTime? FailedAt { get; set; }

    /// <summary>
    /// Set when an admin discarded the email (<see cref="OutboxOperations{TContext}.DiscardAsync"/>): it is never sent,
    /// but the row stays, so a person's Email History and the audit trail still tell what happened to it.
    /// </summary>
    public DateTime? DiscardedAt { get; set; }

    /// <summary>The admin who discarded it, by username.</summary>
    public string? DiscardedBy { get; set; }

    /// <summary>The delivery run holding the email while <see cref="NextAttemptAt"/> (its lease) is in the future; cleared when a run lets go of it unsent.</summary>
    public Guid? ClaimToken { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// The W3C trace context of the span that owed the email (the request that registered an account, say), so each
    /// delivery's span links back to it (<see cref="EmailTracing"/>); none when nothing was being traced.
    /// </summary>
    public string? TraceParent { get; set; }
}
