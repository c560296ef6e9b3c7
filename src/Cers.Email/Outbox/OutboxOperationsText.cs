using System.Globalization;

namespace Cers.Email.Outbox;

/// <summary>What the email operations pages of both services say, in one place: outcomes, states, audit details.</summary>
public static class OutboxOperationsText
{
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>How long ago, roughly: for the age of the oldest waiting email.</summary>
    public static string Age(TimeSpan age) =>
        age < TimeSpan.FromMinutes(1) ? "under a minute"
        : age < TimeSpan.FromHours(1) ? $"{(int)age.TotalMinutes} min"
        : age < TimeSpan.FromDays(2) ? $"{(int)age.TotalHours} h {age.Minutes} min"
        : $"{(int)age.TotalDays} days";

    /// <summary>When a retrying email goes next, as the retrying list says it.</summary>
    public static string NextAttempt(OutboxEntry email, DateTime now) =>
        email.BeingSent ? "Being sent now"
        : email.NextAttemptAt <= now ? "Due now"
        : Time(email.NextAttemptAt);

    public static string AuditDetail(OutboxEntry email, string admin) =>
        $"email {email.Id.ToString(CultureInfo.InvariantCulture)} ({email.Kind}) to {email.ToAddress}, by {admin}";

    public static string RetryOutcome(long id, OutboxActionResult result) => result.Outcome switch
    {
        OutboxActionOutcome.Done => $"Email {id} is due now and goes out with the next delivery run.",
        _ => $"Email {id} was not retried: {Refusal(result.Outcome)}",
    };

    public static string DiscardOutcome(long id, OutboxActionResult result) => result.Outcome switch
    {
        OutboxActionOutcome.Done => $"Email {id} is discarded: it will not be sent, and its recipient's Email History says so.",
        _ => $"Email {id} was not discarded: {Refusal(result.Outcome)}",
    };

    private static string Refusal(OutboxActionOutcome outcome) => outcome switch
    {
        OutboxActionOutcome.NotFound => "there is no such email.",
        OutboxActionOutcome.AlreadySent => "it was sent already.",
        OutboxActionOutcome.AlreadyDiscarded => "it was discarded already.",
        _ => "it is being sent or is due now (perhaps another admin just retried it). See where it stands below.",
    };
}
