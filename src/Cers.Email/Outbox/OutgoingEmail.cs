namespace Cers.Email.Outbox;

/// <summary>
/// An email as a feature composes it: recipient, subject, both bodies, and the key that makes it unique.
/// <paramref name="RecipientId"/> is the account (<c>sub</c>) it is for, when it is for one, so the person's
/// Email History finds it after they change their address.
/// </summary>
public sealed record OutgoingEmail(
    string IdempotencyKey,
    string Kind,
    string ToAddress,
    string ToName,
    string Subject,
    string TextBody,
    string HtmlBody,
    string? RecipientId = null);
