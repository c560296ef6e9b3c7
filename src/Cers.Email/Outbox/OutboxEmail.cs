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

    /// <summary>Set when the SMTP server refused the recipient for good (5xx); such an email is not retried.</summary>
    public DateTime? FailedAt { get; set; }

    public Guid? ClaimToken { get; set; }

    public string? LastError { get; set; }
}
