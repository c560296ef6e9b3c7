using System.Diagnostics;
using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace Cers.Jobs;

/// <summary>
/// A span per Hangfire job run (source <see cref="SourceName"/>), so the database commands, SMTP conversation and HTTP
/// calls a run makes sit under one root in a trace viewer, with the run's outcome on it. A job queued while a span was
/// current (a request whose commit owed an email, say) carries that span's W3C trace context as the job parameter
/// <see cref="TraceParentParameter"/>, and the run's span links to it: the run is its own trace, because it may run
/// long after the request ended, on another instance, and once for many requests, which a parent could not say.
/// </summary>
public static class JobTracing
{
    public const string SourceName = "Cers.Jobs";

    public const string TraceParentParameter = "traceparent";

    private static readonly ActivitySource Source = new(SourceName);

    private static readonly Lock Gate = new();

    /// <summary>
    /// Hangfire's filters are process-wide (<see cref="GlobalJobFilters"/>), and a process may hold several hosts (the
    /// tests'); the filter is added once, whichever host comes first.
    /// </summary>
    internal static void AddFilterOnce()
    {
        lock (Gate)
        {
            if (!GlobalJobFilters.Filters.Any(f => f.Instance is Filter))
            {
                GlobalJobFilters.Filters.Add(new Filter());
            }
        }
    }

    /// <summary>"OutboxDeliveryJob.DeliverDueAsync": the job's class without its generic arity, and its method.</summary>
    public static string SpanName(Job job)
    {
        var type = job.Type.Name;
        var arity = type.IndexOf('`', StringComparison.Ordinal);
        return $"{(arity < 0 ? type : type[..arity])}.{job.Method.Name}";
    }

    private sealed class Filter : IClientFilter, IServerFilter
    {
        private const string ActivityItem = "Cers.Jobs.Activity";

        public void OnCreating(CreatingContext context)
        {
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
            {
                context.SetJobParameter(TraceParentParameter, traceParent);
            }
        }

        public void OnCreated(CreatedContext context)
        {
        }

        public void OnPerforming(PerformingContext context)
        {
            // Hangfire calls this, the job's method (waiting on its task) and OnPerformed in turn on one thread, so the
            // span made current here is the parent of everything the job does.
            var links = ActivityContext.TryParse(context.GetJobParameter<string>(TraceParentParameter), null, out var queuedBy)
                ? new[] { new ActivityLink(queuedBy) }
                : null;
            var activity = Source.StartActivity(SpanName(context.BackgroundJob.Job), ActivityKind.Consumer, default(ActivityContext), links: links);
            if (activity is null)
            {
                return;
            }

            activity.SetTag("hangfire.job.id", context.BackgroundJob.Id);
            if (context.GetJobParameter<string>("RecurringJobId") is { } recurring)
            {
                activity.SetTag("hangfire.job.recurring_id", recurring);
            }

            if (context.GetJobParameter<int>("RetryCount") is > 0 and var retry)
            {
                activity.SetTag("hangfire.job.retry_count", retry);
            }

            context.Items[ActivityItem] = activity;
        }

        public void OnPerformed(PerformedContext context)
        {
            if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
            {
                if (context.Exception is { } thrown && !context.ExceptionHandled)
                {
                    // Hangfire wraps what the job threw; the job's own exception is what a reader needs.
                    var exception = thrown is JobPerformanceException { InnerException: { } inner } ? inner : thrown;
                    activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                    activity.AddException(exception);
                }
                else if (context.Canceled)
                {
                    activity.SetStatus(ActivityStatusCode.Error, "canceled");
                }

                activity.Dispose();
            }
        }
    }
}
