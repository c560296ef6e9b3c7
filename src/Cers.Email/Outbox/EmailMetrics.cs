using System.Diagnostics.Metrics;

namespace Cers.Email.Outbox;

/// <summary>
/// The email outbox's instruments, on the service's own meter (<c>Cers.Idp</c>, <c>Cers.FacilityApi</c>, as the service
/// names it to <see cref="EmailHostingExtensions.AddEmailOutbox{TContext}"/>): emails queued, sent, set aside, and attempts that will be retried, by the template's kind;
/// and the age of the oldest email still waiting, which grows while nothing is delivered, whatever the reason.
/// </summary>
public sealed class EmailMetrics
{
    private readonly Counter<long> _queued;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly TimeProvider _time;
    private long _oldestWaitingTicks;

    public EmailMetrics(IMeterFactory meters, string meterName, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(meterName);
        _queued = meter.CreateCounter<long>("cers.email.queued", "{email}", "Emails committed to the outbox with the change that owes them.");
        _sent = meter.CreateCounter<long>("cers.email.sent", "{email}", "Emails the SMTP server accepted, by kind.");
        _failed = meter.CreateCounter<long>("cers.email.failed", "{email}",
            "Emails set aside for good (refused with a 5xx, unsendable, or past the attempt limit), by kind.");
        _retried = meter.CreateCounter<long>("cers.email.retried", "{attempt}", "Delivery attempts that failed and will be retried, by kind.");
        meter.CreateObservableGauge("cers.email.oldest_waiting.age", ObserveOldestWaiting, "s",
            "Age, when read, of the oldest email the last delivery run found waiting to be sent (0 when none waited).");
    }

    public void Queued(int count) => _queued.Add(count);

    public void Sent(string kind) => _sent.Add(1, new KeyValuePair<string, object?>("cers.email.kind", kind));

    public void Failed(string kind) => _failed.Add(1, new KeyValuePair<string, object?>("cers.email.kind", kind));

    public void Retried(string kind) => _retried.Add(1, new KeyValuePair<string, object?>("cers.email.kind", kind));

    /// <summary>What a delivery run found still waiting: the oldest one's creation time (UTC), or none.</summary>
    public void OldestWaiting(DateTime? createdAt) => Interlocked.Exchange(ref _oldestWaitingTicks, createdAt?.Ticks ?? 0);

    private double ObserveOldestWaiting()
    {
        var ticks = Interlocked.Read(ref _oldestWaitingTicks);
        return ticks == 0 ? 0 : Math.Max(0, (_time.GetUtcNow().UtcDateTime - new DateTime(ticks, DateTimeKind.Utc)).TotalSeconds);
    }
}
