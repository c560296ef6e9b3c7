using Cers.Jobs;
using Hangfire;

namespace Cers.Idp.Sessions.Logout;

/// <summary>Starts <see cref="BackChannelLogoutJob"/> soon after a session's end is committed and when a failed delivery falls due.</summary>
public sealed class BackChannelLogoutSignal(IBackgroundJobClient jobs, TimeProvider time, ILogger<BackChannelLogoutSignal> logger)
    : DueWorkSignal(jobs, time, logger)
{
    protected override void Enqueue(IBackgroundJobClient jobs) =>
        jobs.Enqueue<BackChannelLogoutJob>(job => job.DeliverDueAsync(CancellationToken.None));

    protected override void Schedule(IBackgroundJobClient jobs, TimeSpan delay) =>
        jobs.Schedule<BackChannelLogoutJob>(job => job.DeliverDueAsync(CancellationToken.None), delay);
}

/// <summary>Nudges logout delivery once the logouts a session's end wrote are committed.</summary>
public sealed class BackChannelLogoutCommitInterceptor(BackChannelLogoutSignal signal) : CommittedWorkInterceptor<LogoutNotification>(signal);
