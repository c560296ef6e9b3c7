using System.Diagnostics;

namespace Cers.Benchmarks;

/// <summary>
/// What one scenario measured: successful operations per second over the window, latency percentiles
/// of the successful ones, and the errors (with the first one's description, so it can be shown).
/// </summary>
internal sealed record ScenarioResult(
    string Scenario,
    long Succeeded,
    long Errors,
    string? FirstError,
    TimeSpan Elapsed,
    double[] SortedLatenciesMs,
    bool Interrupted = false)
{
    /// <summary>
    /// Set for a batch job's run: then <see cref="Succeeded"/> counts the items it processed, the
    /// latencies are its batches' and the row goes in the jobs table.
    /// </summary>
    public JobRun? Job { get; init; }

    /// <summary>Set for a service run as its own process: then the row goes in the memory table, with the loads it served.</summary>
    public ServiceMemory? Memory { get; init; }

    /// <summary>The database engine the services ran on.</summary>
    public string Database { get; init; } = "SQLite";

    /// <summary>What the table's numbers need beside them (how the data was made, a ratio), shown under the table.</summary>
    public string? Note { get; init; }

    public double PerSecond => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    public static ScenarioResult From(string scenario, MeasurementWindow window, IReadOnlyCollection<WorkerTally> tallies,
        bool interrupted)
    {
        var latencies = tallies
            .SelectMany(tally => tally.Latencies)
            .Select(ticks => ticks * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();

        // Operations completing inside the window over the window's length; a run stopped by Ctrl+C
        // counts only the time it ran.
        var end = interrupted ? Math.Min(Stopwatch.GetTimestamp(), window.Until) : window.Until;
        var elapsed = end > window.From ? Stopwatch.GetElapsedTime(window.From, end) : TimeSpan.Zero;

        return new ScenarioResult(
            scenario,
            latencies.Length,
            tallies.Sum(tally => tally.Errors),
            tallies.Select(tally => tally.FirstError).FirstOrDefault(error => error is not null),
            elapsed,
            latencies,
            interrupted);
    }

    /// <summary>Several measured windows of the same scenario taken as one.</summary>
    public static ScenarioResult Merge(IReadOnlyList<ScenarioResult> rounds) =>
        new(rounds[0].Scenario,
            rounds.Sum(r => r.Succeeded),
            rounds.Sum(r => r.Errors),
            rounds.Select(r => r.FirstError).FirstOrDefault(error => error is not null),
            TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)),
            rounds.SelectMany(r => r.SortedLatenciesMs).Order().ToArray(),
            rounds.Any(r => r.Interrupted));

    /// <summary>A scenario that could not run at all (its first request already failed).</summary>
    public static ScenarioResult NotRun(string scenario, string error) =>
        new(scenario, 0, 1, error, TimeSpan.Zero, []);

    /// <summary>Nearest-rank percentile in milliseconds, or NaN when nothing succeeded.</summary>
    public double Percentile(double percent)
    {
        if (SortedLatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * SortedLatenciesMs.Length);
        return SortedLatenciesMs[Math.Clamp(rank - 1, 0, SortedLatenciesMs.Length - 1)];
    }
}
