using System.ComponentModel.DataAnnotations;

namespace Cers.Jobs;

/// <summary>The <c>Jobs</c> section: the Hangfire server inside each service.</summary>
public sealed class JobServerOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Off for an instance that should only serve requests; another instance's server runs its jobs.</summary>
    public bool RunServer { get; set; } = true;

    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often an idle worker looks for a queued job (SQLite storage; SQL Server uses its own signalling).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often delayed jobs (retries) are moved to the queue when due.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
