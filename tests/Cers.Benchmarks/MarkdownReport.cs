using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Cers.Benchmarks;

internal static class MarkdownReport
{
    public const string SignInTitle = "password sign-in";
    public const string HasherTitle = "password hasher (raw)";
    public const string RegistrationNewTitle = "registration, new username";
    public const string RegistrationExistingTitle = "registration, existing username";

    /// <summary>Sign-ins should be bounded by password hashing, not by the rest of the pipeline.</summary>
    private const double SignInTargetPercent = 90;

    private const double Mebibyte = 1024 * 1024;

    public static string Render(IReadOnlyList<ScenarioResult> results, BenchmarkOptions options)
    {
        var report = new StringBuilder();
        var requests = results.Where(r => r.Job is null && r.Memory is null).ToList();
        var jobs = results.Where(r => r.Job is not null).ToList();
        var services = results.Where(r => r.Memory is not null).ToList();

        if (requests.Count > 0 || jobs.Count == 0 && services.Count == 0)
        {
            report.AppendLine();
            report.AppendLine("| scenario | database | requests/s | p50 ms | p95 ms | p99 ms | errors |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var result in requests)
            {
                report.AppendLine(Invariant(
                    $"| {Name(result)} | {result.Database} | {Rate(result)} | {Number(result.Percentile(50))} | {Number(result.Percentile(95))} | {Number(result.Percentile(99))} | {Errors(result)} |"));
            }
        }

        if (jobs.Count > 0)
        {
            report.AppendLine();
            report.AppendLine("| job | database | accounts/s | run s | batch p50 ms | batch p95 ms | batch p99 ms | heap MiB at rest, peak | peak live MiB (full GCs) | heap after MiB | working set MiB at start, peak | allocated MiB | errors |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var result in jobs)
            {
                var memory = result.Job!.Memory;
                report.AppendLine(Invariant(
                    $"| {Name(result)} | {result.Database} | {Rate(result)} | {Number(result.Elapsed.TotalSeconds)} | {Number(result.Percentile(50))} | {Number(result.Percentile(95))} | {Number(result.Percentile(99))} | {MiB(memory.HeapAtRest)}, {MiB(memory.PeakHeap)} | {Live(memory)} | {MiB(memory.HeapAfter)} | {MiB(memory.WorkingSetAtStart)}, {MiB(memory.PeakWorkingSet)} | {(memory.Allocated is { } allocated ? MiB(allocated) : "n/a")} | {Errors(result)} |"));
            }
        }

        if (services.Count > 0)
        {
            report.AppendLine();
            report.AppendLine(Invariant($"| service | GC | RSS MiB {ServiceMemoryScenario.Quiet.TotalSeconds:0} s after start | RSS MiB after the loads + {ServiceMemoryScenario.Quiet.TotalSeconds:0} s | load: requests/s | errors |"));
            report.AppendLine("|---|---|---:|---:|---|---:|");
            foreach (var result in services)
            {
                var row = result.Memory!;
                report.AppendLine(Invariant(
                    $"| {Name(result)} | {row.Gc} | {Resident(row.IdleBytes)} | {Resident(row.AfterLoadBytes)} | {string.Join(", ", row.Loads.Select(l => $"{l.Scenario} {Rate(l)}"))} | {Errors(result)} |"));
            }
        }

        report.AppendLine();
        foreach (var failed in results.Where(r => r.Errors > 0))
        {
            report.AppendLine(Invariant($"- errors in {failed.Scenario}: {failed.Errors}, the first: {failed.FirstError}"));
        }

        // The notes that compare rows compare rows of one engine; those of a server engine say which.
        foreach (var engine in results.GroupBy(r => r.Database))
        {
            var on = engine.Key == SqliteName ? "" : $" on {engine.Key}";
            AppendNotes(report, [.. engine], on);
        }

        var gc = GCSettings.IsServerGC ? "server" : "workstation";
        report.Append(Invariant(
            $"- machine: {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}, {gc} GC; "));
        report.Append(Invariant(
            $"settings: concurrency {options.Concurrency}, {options.Duration.TotalSeconds:0.#} s per scenario after {options.WarmUp.TotalSeconds:0.#} s warm-up (hasher: {Environment.ProcessorCount} threads)"));
        report.AppendLine(jobs.Count > 0
            ? Invariant($", expiry job over {string.Join(" and ", PendingAccountExpiryScenario.Sizes(options.Accounts).Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} accounts")
            : "");
        return report.ToString();
    }

    private const string SqliteName = "SQLite";

    private static void AppendNotes(StringBuilder report, IReadOnlyList<ScenarioResult> results, string on)
    {
        if (results.Any(r => r.Scenario == SignInTitle))
        {
            report.AppendLine("- password sign-in: one request = one complete sign-in (GET the page, POST the username, POST the password: three HTTP requests).");
        }

        var signIn = results.FirstOrDefault(r => r.Scenario == SignInTitle);
        var hasher = results.FirstOrDefault(r => r.Scenario == HasherTitle);
        if (signIn is not null || hasher is not null)
        {
            report.AppendLine(signIn is not null && hasher is not null && hasher.PerSecond > 0
                ? Invariant(
                    $"- sign-in rate / hasher rate{on}: {Number(signIn.PerSecond)} / {Number(hasher.PerSecond)} = {signIn.PerSecond / hasher.PerSecond * 100:0.0} % (target >= {SignInTargetPercent} %)")
                : $"- sign-in rate / hasher rate{on}: n/a (needs both the sign-in and the hasher scenario)");
        }

        AppendRegistrationNotes(report, results);
        foreach (var noted in results.Where(r => r.Note is not null))
        {
            report.AppendLine($"- {noted.Note}{(on.Length > 0 ? $" ({on.TrimStart()})" : "")}");
        }

        AppendEnumerationNotes(report, results);
        AppendJobNotes(report, [.. results.Where(r => r.Job is not null)], on);
        if (results.Any(r => r.Memory is not null))
        {
            report.AppendLine(Invariant(
                $"- service memory: each service is its built assembly run as its own process, in Development on fresh SQLite files, started as the AppHost starts them; RSS is VmRSS from /proc (mapped files and the runtime's code included), read {ServiceMemoryScenario.Quiet.TotalSeconds:0} s after the process started and {ServiceMemoryScenario.Quiet.TotalSeconds:0} s after the last load ended; bold is over the target of {ResidentTargetBytes / Mebibyte:0} MiB. ")
                + "Loads, one service at a time: client_credentials tokens then password sign-ins (provider), searches by street number with a bearer token (facility API), "
                + "signed-in page loads of the home page and a facility search (portal, whose pages call the API).");
        }
    }

    /// <summary>How the search's data was made and how each kind compares with the target.</summary>
    public static string FacilitySearchNote(FacilitySearchScenario.Preparation prepared, IReadOnlyList<ScenarioResult> results)
    {
        var seeded = prepared.Seeded;
        var kinds = FacilitySearchScenario.Kinds;
        var note = new StringBuilder(Invariant(
            $"facility search: one request = GET /api/facilities/search with a bearer token (facility.read, client_credentials from the provider), the first page (20 businesses); "));
        note.Append(Invariant(
            $"{seeded.Facilities:N0} sample facilities in {seeded.Businesses:N0} businesses written by the API's own seeder (what `seed --facilities N` runs) in {seeded.Elapsed.TotalSeconds:0.0} s; "));
        note.Append(Invariant($"the queries are {prepared.Sampled:N0} facilities drawn from them (fixed seed), each query run and checked once first. "));
        note.Append("Facilities found per query, mean: ");
        note.Append(string.Join(", ", kinds.Select(k => Invariant($"{ShortKind(k)} {Number(prepared.MatchesPerKind[(int)k])}"))));
        note.Append(Invariant($". p95 against the target of {FacilitySearchTargetP95Ms} ms: "));
        note.Append(string.Join(", ", kinds.Select(k => results.FirstOrDefault(r => r.Scenario == FacilitySearchScenario.Title(k)) is { Succeeded: > 0 } r
            ? Invariant($"{ShortKind(k)} {Number(r.Percentile(95))} ms{(r.Percentile(95) <= FacilitySearchTargetP95Ms ? "" : " (over)")}")
            : $"{ShortKind(k)} n/a")));
        return note.ToString();
    }

    /// <summary>The authorized and the anonymous rate, their ratio, and what the difference is per request.</summary>
    public static string BearerTokenNote(IReadOnlyList<ScenarioResult> results)
    {
        var authorized = results.FirstOrDefault(r => r.Scenario == BearerTokenScenario.AuthorizedTitle);
        var anonymous = results.FirstOrDefault(r => r.Scenario == BearerTokenScenario.AnonymousTitle);
        const string what = "bearer token: the same handler (every agency with its jurisdictions, from the database) through the same pipeline, "
            + "with a real access token (signature from the JWKS, issuer, audience, lifetime, at+jwt type, then the facility.read policy) and without one";
        if (authorized is not { PerSecond: > 0 } || anonymous is not { PerSecond: > 0 })
        {
            return what + "; rate with token / without: n/a (needs both rows)";
        }

        var costMicroseconds = (1 / authorized.PerSecond - 1 / anonymous.PerSecond) * 1e6;
        return what + Invariant(
            $"; rate with token / without: {Number(authorized.PerSecond)} / {Number(anonymous.PerSecond)} = {authorized.PerSecond / anonymous.PerSecond * 100:0.0} %, so validating the token costs about {costMicroseconds:0} µs of the whole machine's time per request");
    }

    private const double FacilitySearchTargetP95Ms = 10;

    private static string ShortKind(AddressSearchKind kind) => kind switch
    {
        AddressSearchKind.Number => "number",
        AddressSearchKind.NumberStreet => "+ street",
        AddressSearchKind.NumberStreetCity => "+ street + city",
        _ => "+ street + ZIP",
    };

    private static void AppendRegistrationNotes(StringBuilder report, IReadOnlyList<ScenarioResult> results)
    {
        var created = results.FirstOrDefault(r => r.Scenario == RegistrationNewTitle);
        var existing = results.FirstOrDefault(r => r.Scenario == RegistrationExistingTitle);
        if (created is null && existing is null)
        {
            return;
        }

        report.AppendLine("- registration: one request = one complete Create New Account (GET the page, POST the form: two HTTP requests); "
            + "success is the 302 to /Account/CheckEmail. New: an unused username and email. Existing: a username already taken, with an unused email; "
            + "it must answer the same 302. Each hashes the password once and writes one email (delivery is refused: no SMTP server runs).");
        if (created is { Succeeded: > 0 } && existing is { Succeeded: > 0 })
        {
            report.Append(Invariant(
                $"- registration timing, existing / new username: p50 {Number(existing.Percentile(50))} / {Number(created.Percentile(50))} ms = {existing.Percentile(50) / created.Percentile(50):0.00}, "));
            report.Append(Invariant(
                $"p95 {Number(existing.Percentile(95))} / {Number(created.Percentile(95))} ms = {existing.Percentile(95) / created.Percentile(95):0.00} "));
            report.AppendLine("(near 1: the answer's timing does not tell which usernames exist)");
        }
        else
        {
            report.AppendLine("- registration timing, existing / new username: n/a (needs successful requests of both)");
        }
    }

    /// <summary>For each form of the enumeration scenario: existing / unknown account, p50 and p95.</summary>
    private static void AppendEnumerationNotes(StringBuilder report, IReadOnlyList<ScenarioResult> results)
    {
        foreach (var existing in results.Where(r => r.Scenario.EndsWith(", existing account", StringComparison.Ordinal)))
        {
            var form = existing.Scenario[..^", existing account".Length];
            var unknown = results.FirstOrDefault(r => r.Scenario == form + ", unknown account");
            if (unknown is { Succeeded: > 0 } && existing.Succeeded > 0)
            {
                report.AppendLine(Invariant(
                    $"- {form} timing, existing / unknown account: p50 {Number(existing.Percentile(50))} / {Number(unknown.Percentile(50))} ms = {existing.Percentile(50) / unknown.Percentile(50):0.00}, p95 {Number(existing.Percentile(95))} / {Number(unknown.Percentile(95))} ms = {existing.Percentile(95) / unknown.Percentile(95):0.00} (one request = GET the page, POST the field)"));
            }
        }
    }

    private static void AppendJobNotes(StringBuilder report, List<ScenarioResult> jobs, string on)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var batchSize = jobs[0].Job!.BatchSize;
        var seeding = string.Join(", ", jobs.Select(j => Invariant($"{j.Job!.Seeding.TotalSeconds:0.0} s for {j.Job.Accounts:N0}")));
        report.Append($"- pending-account expiry{on}: the app's own job, run to the end in a provider of its own (job server off) over accounts seeded in bulk ");
        report.Append(Invariant($"(seeding took {seeding}); one batch = up to {batchSize} accounts in one transaction (Activation:BatchSize), timed from commit to commit. "));
        report.AppendLine("Heap at rest / heap after: after a full compacting collection just before / just after the run (the job's scope still open); "
            + "peak heap: the most seen, garbage not yet collected included; peak live: the most live data a full collection during the run found (how many ran); "
            + "working set: the process's resident memory, native (SQLite) included, a PostgreSQL server's not; allocated: total during the run "
            + "(n/a when the runtime's counter went backwards during it, as server GC's dynamic heap count makes it do: dotnet/runtime#131069). "
            + "A warm-up run over a small backlog goes first, unmeasured.");

        report.AppendLine($"- batch p50{on} over the first / last tenth of each run (near equal: a batch costs the same whatever the backlog): "
            + string.Join(", ", jobs.Select(j => Invariant($"{Number(j.Job!.EarlyBatchMs)} / {Number(j.Job.LateBatchMs)} ms at {j.Job.Accounts:N0}"))));

        var smallest = jobs.MinBy(j => j.Job!.Accounts)!;
        var largest = jobs.MaxBy(j => j.Job!.Accounts)!;
        if (smallest != largest && !smallest.Interrupted && !largest.Interrupted)
        {
            var large = largest.Job!.Memory;
            var small = smallest.Job!.Memory;
            report.Append(Invariant($"- with {(double)largest.Job.Accounts / smallest.Job.Accounts:0.#}x the accounts{on} (larger / smaller run): "));
            report.Append(Invariant($"peak heap {MiB(large.PeakHeap)} / {MiB(small.PeakHeap)} MiB = {Ratio(large.PeakHeap, small.PeakHeap)}, "));
            report.Append(large.PeakLive is { } largeLive && small.PeakLive is { } smallLive
                ? Invariant($"peak live {MiB(largeLive)} / {MiB(smallLive)} MiB = {Ratio(largeLive, smallLive)}, ")
                : "");
            report.Append(Invariant($"heap after minus at rest {MiB(large.HeapAfter - large.HeapAtRest)} / {MiB(small.HeapAfter - small.HeapAtRest)} MiB, "));
            report.Append(Invariant(
                $"working set growth during the run {MiB(large.PeakWorkingSet - large.WorkingSetAtStart)} / {MiB(small.PeakWorkingSet - small.WorkingSetAtStart)} MiB; "));
            report.AppendLine(Invariant(
                $"allocated {(large.Allocated is { } largeAllocated && small.Allocated is { } smallAllocated ? Ratio(largeAllocated, smallAllocated) : "n/a")}, run time {Ratio(largest.Elapsed.Ticks, smallest.Elapsed.Ticks)}"));
        }
    }

    private static string Ratio(long large, long small) =>
        small > 0 ? ((double)large / small).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "n/a";

    private static string Name(ScenarioResult result) => result.Scenario + (result.Interrupted ? " (interrupted)" : "");

    private static string Rate(ScenarioResult result) => result.Elapsed == TimeSpan.Zero ? "not run" : Number(result.PerSecond);

    private static string Errors(ScenarioResult result) => result.Errors == 0 ? "0" : $"**{result.Errors}**";

    private static string MiB(long bytes) => Number(bytes / Mebibyte);

    /// <summary>Bold over the target, so a regression stands out in the table.</summary>
    private static string Resident(long? bytes) => bytes switch
    {
        null => "n/a",
        > ResidentTargetBytes => $"**{MiB(bytes.Value)}**",
        _ => MiB(bytes.Value),
    };

    /// <summary>DESIGN.md: each service idles at or below 150 MB RSS (taken as MiB, as /proc counts it).</summary>
    private const long ResidentTargetBytes = 150 * 1024 * 1024;

    private static string Live(MemoryUse memory) =>
        memory.PeakLive is { } live ? Invariant($"{MiB(live)} ({memory.FullCollections})") : "n/a (0)";

    private static string Number(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
