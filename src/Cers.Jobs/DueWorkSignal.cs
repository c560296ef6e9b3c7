using Hangfire;
using Microsoft.Extensions.Logging;

namespace Cers.Jobs;

/// <summary>
/// Starts a job that works through committed rows (an outbox) soon after a row is committed and again
/// when a failed one falls due, without a flood of Hangfire jobs: while a queued run has not started
/// here, further commits within a few seconds add no other (the run picks their rows up too), and one
/// retry is scheduled for the earliest due time. The bound in time matters when another instance runs
/// the queued job, or this one runs no job server. The job's recurring run is the safety net for
/// anything these miss (a crash between commit and enqueue, a failed enqueue). A subclass names the
/// job (<see cref="Enqueue"/>, <see cref="Schedule"/>); its run calls <see cref="RunStarted"/> first.
/// </summary>
public abstract partial class DueWorkSignal(IBackgroundJobClient jobs, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan CoalesceFor = TimeSpan.FromSeconds(3);

    /// <summary>Hangfire's delayed jobs are timed to the second.</summary>
    private static readonly TimeSpan ScheduleGranularity = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private DateTime? _runQueuedAt;
    private DateTime? _retryScheduledFor;

    /// <summary>Queues a run now.</summary>
    protected abstract void Enqueue(IBackgroundJobClient jobs);

    /// <summary>Schedules a run <paramref name="delay"/> from now.</summary>
    protected abstract void Schedule(IBackgroundJobClient jobs, TimeSpan delay);

    /// <summary>Never throws: the change that owes the work is already committed, and the recurring run will do it.</summary>
    public void Nudge()
    {
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            if (_runQueuedAt is { } queued && now - queued < CoalesceFor)
            {
                return;
            }

            _runQueuedAt = now;
        }

        try
        {
            Enqueue(jobs);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _runQueuedAt = null;
            }

            LogEnqueueFailed(logger, GetType().Name, ex);
        }
    }

    /// <summary>
    /// Called when a run begins: rows committed from now on need a run of their own, and a retry
    /// scheduled for about now is this run (it may start up to a second early, see <see cref="RetryAt"/>),
    /// so a retry it asks for must be scheduled anew rather than taken as already scheduled.
    /// </summary>
    public void RunStarted()
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            _runQueuedAt = null;
            if (_retryScheduledFor is { } scheduled && scheduled <= now + ScheduleGranularity)
            {
                _retryScheduledFor = null;
            }
        }
    }

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

        // Hangfire keeps a delayed job's time in whole seconds and may start it up to a second before the
        // instant asked for, when the row is not yet due: round up to the next second past it.
        var delay = dueUtc - now;
        delay = delay <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)) + ScheduleGranularity;
        try
        {
            // Already due: queued at once rather than left for the scheduler's next poll.
            if (delay == TimeSpan.Zero)
            {
                Enqueue(jobs);
            }
            else
            {
                Schedule(jobs, delay);
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _retryScheduledFor = null;
            }

            LogEnqueueFailed(logger, GetType().Name, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue a run of {Job}; its recurring run will do the work")]
    private static partial void LogEnqueueFailed(ILogger logger, string job, Exception exception);
}
