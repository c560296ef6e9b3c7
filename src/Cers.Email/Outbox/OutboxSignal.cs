using Cers.Jobs;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Cers.Email.Outbox;

/// <summary>Starts <see cref="OutboxDeliveryJob{TContext}"/> soon after an email is committed and when a failed one falls due.</summary>
public sealed class OutboxSignal<TContext>(IBackgroundJobClient jobs, TimeProvider time, ILogger<OutboxSignal<TContext>> logger)
    : DueWorkSignal(jobs, time, logger)
    where TContext : DbContext
{
    protected override void Enqueue(IBackgroundJobClient jobs) =>
        jobs.Enqueue<OutboxDeliveryJob<TContext>>(job => job.DeliverDueAsync(CancellationToken.None));

    protected override void Schedule(IBackgroundJobClient jobs, TimeSpan delay) =>
        jobs.Schedule<OutboxDeliveryJob<TContext>>(job => job.DeliverDueAsync(CancellationToken.None), delay);
}

/// <summary>Counts and nudges email delivery once the emails a change wrote are committed.</summary>
public sealed class OutboxCommitInterceptor<TContext>(OutboxSignal<TContext> signal, EmailMetrics metrics) : CommittedWorkInterceptor<OutboxEmail>(signal)
    where TContext : DbContext
{
    protected override void Committed(int count) => metrics.Queued(count);
}
