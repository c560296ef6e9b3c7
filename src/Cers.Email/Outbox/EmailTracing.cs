using System.Diagnostics;

namespace Cers.Email.Outbox;

/// <summary>
/// A span per delivery attempt of an outbox email (source <see cref="SourceName"/>), a child of the delivery job's run
/// and the parent of MailKit's SMTP <c>send</c> span, linked to the span that owed the email (<see cref="OutboxEmail.TraceParent"/>):
/// from a request's trace one follows the email it queued to the attempt that sent it, or the attempts that failed. The
/// span names the email by id and kind, never by address.
/// </summary>
public static class EmailTracing
{
    public const string SourceName = "Cers.Email";

    /// <summary>"00-" + 32 hex trace id + "-" + 16 hex span id + "-" + 2 hex flags.</summary>
    public const int TraceParentMaxLength = 55;

    private static readonly ActivitySource Source = new(SourceName);

    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { Length: <= TraceParentMaxLength } id } ? id : null;

    public static Activity? StartDelivery(OutboxEmail email)
    {
        var links = ActivityContext.TryParse(email.TraceParent, null, out var owedBy) ? new[] { new ActivityLink(owedBy) } : null;
        var activity = Source.StartActivity("email deliver", ActivityKind.Internal, default(ActivityContext), links: links);
        activity?.SetTag("cers.email.id", email.Id);
        activity?.SetTag("cers.email.kind", email.Kind);
        activity?.SetTag("cers.email.attempt", email.Attempts + 1);
        return activity;
    }

    /// <summary>The attempt failed: <paramref name="reason"/> is the SMTP reply code or the exception's type, never its text (which can name the recipient).</summary>
    public static void Failed(Activity? activity, string reason, bool permanent)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        activity?.SetTag("cers.email.outcome", permanent ? "set_aside" : "retrying");
    }

    public static void Sent(Activity? activity) => activity?.SetTag("cers.email.outcome", "sent");
}
