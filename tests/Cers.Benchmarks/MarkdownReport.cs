using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Cers.Benchmarks;

internal static class MarkdownReport
{
    public const string SignInTitle = "password sign-in";
    public const string HasherTitle = "password hasher (raw)";

    /// <summary>Sign-ins should be bounded by password hashing, not by the rest of the pipeline.</summary>
    private const double SignInTargetPercent = 90;

    public static string Render(IReadOnlyList<ScenarioResult> results, BenchmarkOptions options)
    {
        var report = new StringBuilder();
        report.AppendLine();
        report.AppendLine("| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var rate = result.Elapsed == TimeSpan.Zero ? "not run" : Number(result.PerSecond);
            var errors = result.Errors == 0 ? "0" : $"**{result.Errors}**";
            report.AppendLine(Invariant(
                $"| {result.Scenario}{(result.Interrupted ? " (interrupted)" : "")} | {rate} | {Number(result.Percentile(50))} | {Number(result.Percentile(95))} | {Number(result.Percentile(99))} | {errors} |"));
        }

        report.AppendLine();
        foreach (var failed in results.Where(r => r.Errors > 0))
        {
            report.AppendLine(Invariant($"- errors in {failed.Scenario}: {failed.Errors}, the first: {failed.FirstError}"));
        }

        if (results.Any(r => r.Scenario == SignInTitle))
        {
            report.AppendLine("- password sign-in: one request = one complete sign-in (GET the page, POST the username, POST the password: three HTTP requests).");
        }

        var signIn = results.FirstOrDefault(r => r.Scenario == SignInTitle);
        var hasher = results.FirstOrDefault(r => r.Scenario == HasherTitle);
        report.AppendLine(signIn is not null && hasher is not null && hasher.PerSecond > 0
            ? Invariant(
                $"- sign-in rate / hasher rate: {Number(signIn.PerSecond)} / {Number(hasher.PerSecond)} = {signIn.PerSecond / hasher.PerSecond * 100:0.0} % (target >= {SignInTargetPercent} %)")
            : "- sign-in rate / hasher rate: n/a (needs both the sign-in and the hasher scenario)");

        var gc = GCSettings.IsServerGC ? "server" : "workstation";
        report.Append(Invariant(
            $"- machine: {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}, {gc} GC; "));
        report.AppendLine(Invariant(
            $"settings: concurrency {options.Concurrency}, {options.Duration.TotalSeconds:0.#} s per scenario after {options.WarmUp.TotalSeconds:0.#} s warm-up (hasher: {Environment.ProcessorCount} threads)"));
        return report.ToString();
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
