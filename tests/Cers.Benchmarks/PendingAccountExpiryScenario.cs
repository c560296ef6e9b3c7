extern alias idp;

using System.Diagnostics;
using System.Globalization;
using Cers.Data;
using idp::Cers.Idp.Accounts;
using idp::Cers.Idp.Activation;
using idp::Cers.Idp.Audit;
using idp::Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cers.Benchmarks;

/// <summary>One run of a batch job: its size, what it cost besides time, and how its batch time moved during the run.</summary>
/// <param name="EarlyBatchMs">Median batch time over the first tenth of the batches.</param>
/// <param name="LateBatchMs">Median batch time over the last tenth: far from the early one, a batch's cost depends on the backlog.</param>
internal sealed record JobRun(int Accounts, int BatchSize, int Batches, TimeSpan Seeding, MemoryUse Memory, double EarlyBatchMs, double LateBatchMs);

/// <summary>
/// The pending-account expiry job over a large backlog: every account registered more than the
/// activation window ago and never activated. Runs twice, over a tenth of the accounts and over all of
/// them, each time in a provider of its own (fresh database, Hangfire server off, so the recurring jobs
/// and the outbox never run beside it) with the accounts seeded in bulk; the job itself is the app's
/// own, resolved from the provider's services and run to the end. A job that holds its memory to one
/// batch shows about the same peak for both sizes; one that grows with the backlog shows ten times more.
/// Afterwards every account must be gone, each with exactly one <c>expired</c> audit event.
/// </summary>
internal static class PendingAccountExpiryScenario
{
    /// <summary>
    /// The job's code runs hundreds of times per batch, so the JIT has tiered it up within a few seconds;
    /// a throwaway run of this size goes first so the smaller measured run does not pay for that alone.
    /// </summary>
    private const int WarmUpAccounts = 20_000;

    public static IReadOnlyList<int> Sizes(int largest) => largest >= 10 ? [largest / 10, largest] : [largest];

    public static string Title(int accounts) =>
        string.Create(CultureInfo.InvariantCulture, $"pending-account expiry, {accounts:N0} accounts");

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(int largest, DatabaseProvider engine, CancellationToken cancellationToken)
    {
        var sizes = Sizes(largest);
        var warmUp = await RunOnceAsync("pending-account expiry warm-up", Math.Min(WarmUpAccounts, sizes[0]), engine, cancellationToken);
        if (warmUp.Errors > 0 || cancellationToken.IsCancellationRequested)
        {
            return [warmUp];
        }

        var results = new List<ScenarioResult>();
        foreach (var accounts in sizes)
        {
            results.Add(await RunOnceAsync(Title(accounts), accounts, engine, cancellationToken));
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return results;
    }

    private static async Task<ScenarioResult> RunOnceAsync(string title, int accounts, DatabaseProvider engine, CancellationToken cancellationToken)
    {
        await Console.Error.WriteLineAsync($"{title}: starting a provider of its own on {BenchmarkDatabase.Name(engine)}, without the job server...");
        await using var provider = new InProcessProvider(new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" }, engine);
        var settings = provider.Services.GetRequiredService<IOptions<ActivationOptions>>().Value;

        await Console.Error.WriteLineAsync($"{title}: seeding...");
        var registeredBefore = DateTime.UtcNow - settings.Window - TimeSpan.FromDays(1);
        var seeding = await PendingAccountSeeder.SeedAsync(provider.Services, accounts, registeredBefore, cancellationToken);

        await using var scope = provider.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();

        // The job's own filter must find every seeded row, or the run would measure less work than it claims.
        var dueBefore = DateTime.UtcNow - settings.Window;
        var due = await db.Users.CountAsync(
            u => u.Status == AccountStatus.PendingActivation && u.RegisteredAt <= dueBefore, cancellationToken);
        if (due != accounts)
        {
            return ScenarioResult.NotRun(title, $"{accounts} accounts seeded, but {due} are due for expiry by the job's own filter");
        }

        await Console.Error.WriteLineAsync(
            $"{title}: seeded in {seeding.TotalSeconds:0.0} s; running the job (batches of {settings.BatchSize})...");
        var job = scope.ServiceProvider.GetRequiredService<PendingAccountExpiryJob>();
        using var commits = new TransactionCommitClock(db);
        using var memory = MemoryHighWaterMark.Start();
        var started = Stopwatch.GetTimestamp();
        var expired = 0;
        var interrupted = false;
        try
        {
            expired = await job.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true; // Ctrl+C: the batches committed so far stand; the table says interrupted
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var used = memory.Stop();
        var batchesMs = commits.IntervalsMs(started);
        var batches = batchesMs.Length;
        var tenth = Math.Max(1, batches / 10);

        var problems = interrupted ? [] : await CheckAsync(provider.Services, accounts, expired, batches, settings.BatchSize);
        return new ScenarioResult(title, expired, problems.Count, problems.Count > 0 ? string.Join("; ", problems) : null,
            elapsed, [.. batchesMs.Order()], interrupted)
        {
            Job = new JobRun(accounts, settings.BatchSize, batches, seeding, used,
                Median(batchesMs.Take(tenth)), Median(batchesMs.TakeLast(tenth))),
        };
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    /// <summary>What the job must have left behind; each difference is one error in the table.</summary>
    private static async Task<List<string>> CheckAsync(IServiceProvider services, int accounts, int expired, int batches, int batchSize)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var problems = new List<string>();

        if (expired != accounts)
        {
            problems.Add($"the job reported {expired} expired, not {accounts}");
        }

        var left = await db.Users.CountAsync(u => u.Status == AccountStatus.PendingActivation || u.Status == AccountStatus.Expired);
        if (left != 0)
        {
            problems.Add($"{left} pending or expired accounts are still in the table");
        }

        var events = db.AuditEvents.Where(e => e.Kind == AuditKinds.Expired);
        var eventCount = await events.CountAsync();
        var subjects = await events.Select(e => e.SubjectId).Distinct().CountAsync();
        if (eventCount != accounts || subjects != accounts)
        {
            problems.Add($"{eventCount} '{AuditKinds.Expired}' audit events for {subjects} accounts, not one each for {accounts}");
        }

        var expectedBatches = (accounts + batchSize - 1) / batchSize;
        if (batches != expectedBatches)
        {
            problems.Add($"{batches} transactions committed, not one per batch ({expectedBatches})");
        }

        return problems;
    }
}
