using System.Diagnostics;

namespace Cers.Benchmarks;

/// <summary>How long a scenario warms up and then measures, and how many workers run it.</summary>
internal sealed record LoadShape(int Workers, TimeSpan WarmUp, TimeSpan Duration);

/// <summary>
/// Runs one iteration in a loop on several workers, each until the measurement window closes. The
/// warm-up runs the same iterations and is not counted; only iterations that start inside the window
/// are. An iteration returns null when it succeeded, otherwise what went wrong; a thrown exception is
/// an error too, so a scenario never stops early and every failure is counted.
/// </summary>
internal static class LoadLoop
{
    /// <summary>Asynchronous workers on the thread pool, for HTTP iterations.</summary>
    public static async Task<ScenarioResult> RunAsync(string scenario, LoadShape shape,
        Func<CancellationToken, Task<string?>> iteration, CancellationToken cancellationToken)
    {
        var window = MeasurementWindow.StartingNow(shape);
        var workers = Enumerable.Range(0, shape.Workers)
            .Select(_ => Task.Run(async () =>
            {
                var tally = new WorkerTally();
                while (window.ShouldStartAnother(cancellationToken, out var began))
                {
                    string? error;
                    try
                    {
                        error = await iteration(cancellationToken);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        break; // Ctrl+C: stop without counting the interrupted iteration
                    }
                    catch (Exception e)
                    {
                        // A timeout or a refused connection is a failed request, not the end of the run.
                        error = $"{e.GetType().Name}: {e.Message}";
                    }

                    tally.Record(window, began, Stopwatch.GetTimestamp(), error);
                }

                return tally;
            }, CancellationToken.None))
            .ToArray();

        var tallies = await Task.WhenAll(workers);
        return ScenarioResult.From(scenario, window, tallies, cancellationToken.IsCancellationRequested);
    }

    /// <summary>Dedicated threads, for CPU-bound iterations that must not wait for the thread pool.</summary>
    public static ScenarioResult RunOnThreads(string scenario, LoadShape shape,
        Func<string?> iteration, CancellationToken cancellationToken)
    {
        var window = MeasurementWindow.StartingNow(shape);
        var tallies = new WorkerTally[shape.Workers];
        var threads = Enumerable.Range(0, shape.Workers)
            .Select(worker => new Thread(() =>
            {
                var tally = new WorkerTally();
                while (window.ShouldStartAnother(cancellationToken, out var began))
                {
                    string? error;
                    try
                    {
                        error = iteration();
                    }
                    catch (Exception e)
                    {
                        error = $"{e.GetType().Name}: {e.Message}";
                    }

                    tally.Record(window, began, Stopwatch.GetTimestamp(), error);
                }

                tallies[worker] = tally;
            })
            {
                IsBackground = true,
                Name = $"{scenario} {worker}",
            })
            .ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return ScenarioResult.From(scenario, window, tallies, cancellationToken.IsCancellationRequested);
    }
}

/// <summary>Stopwatch timestamps: warm-up from now, then the measured duration.</summary>
internal sealed class MeasurementWindow
{
    private MeasurementWindow(long from, long until)
    {
        From = from;
        Until = until;
    }

    public long From { get; }

    public long Until { get; }

    public static MeasurementWindow StartingNow(LoadShape shape)
    {
        var from = Stopwatch.GetTimestamp() + ToTimestampTicks(shape.WarmUp);
        return new MeasurementWindow(from, from + ToTimestampTicks(shape.Duration));
    }

    public bool ShouldStartAnother(CancellationToken cancellationToken, out long now)
    {
        now = Stopwatch.GetTimestamp();
        return now < Until && !cancellationToken.IsCancellationRequested;
    }

    private static long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>One worker's own record, merged after the run so workers never contend on a shared list.</summary>
internal sealed class WorkerTally
{
    public List<long> Latencies { get; } = new(capacity: 4096);

    public long Errors { get; private set; }

    public string? FirstError { get; private set; }

    public void Record(MeasurementWindow window, long began, long ended, string? error)
    {
        // Throughput is the operations that complete inside the window, whenever they began: with a
        // deep queue (16 sign-ins behind two cores take about a second each) counting only those that
        // also began inside it would leave out the work done in the window's first second.
        if (ended < window.From || ended > window.Until)
        {
            return;
        }

        if (error is null)
        {
            Latencies.Add(ended - began);
        }
        else
        {
            Errors++;
            FirstError ??= error;
        }
    }
}
