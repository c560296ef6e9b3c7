namespace Cers.Email.Outbox;

/// <summary>An email as a feature composes it: recipient, subject, both bodies, and the key that makes it unique.</summary>
public sealed record OutgoingEmail(
    string IdempotencyKey,
    string Kind,
    string ToAddress,
    string ToName,
    string Subject,
    string TextBody,
    string HtmlBody);
