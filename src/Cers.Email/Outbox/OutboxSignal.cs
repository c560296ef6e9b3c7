using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Cers.Email.Outbox;

/// <summary>
/// Starts delivery soon after an email is committed and again when a failed one falls due, without
/// a flood of Hangfire jobs: at most one run waits in the queue per process, and one retry is
/// scheduled for the earliest due time. The recurring delivery job is the safety net for anything
/// these miss (a crash between commit and enqueue, another instance's emails).
/// </summary>
public sealed class OutboxSignal<TContext>(IBackgroundJobClient jobs, TimeProvider time)
    where TContext : DbContext
{
    private readonly Lock _gate = new();
    private int _runQueued;
    private DateTime? _retryScheduledFor;

    public void Nudge()
    {
        if (Interlocked.Exchange(ref _runQueued, 1) == 0)
        {
            jobs.Enqueue<OutboxDeliveryJob<TContext>>(job => job.DeliverDueAsync(CancellationToken.None));
        }
    }

    /// <summary>Called when a run begins: emails committed from now on need a run of their own.</summary>
    public void RunStarted() => Interlocked.Exchange(ref _runQueued, 0);

    public void RetryAt(DateTime dueUtc)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            if (_retryScheduledFor is { } scheduled && scheduled > now && scheduled <= dueUtc)
            {
                return;
            }

            _retryScheduledFor = dueUtc;
        }

        var delay = dueUtc - now;
        jobs.Schedule<OutboxDeliveryJob<TContext>>(
            job => job.DeliverDueAsync(CancellationToken.None),
            delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
    }
}
