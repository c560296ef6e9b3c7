using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// Load test of the real provider: starts it in this process on loopback, runs each scenario for a
/// fixed time with concurrent workers over real HTTP, and prints a Markdown table.
/// Not a test project (nothing is asserted); it exits with 1 when any request failed, 130 after Ctrl+C.
/// </summary>
internal static class BenchmarkProgram
{
    private const string SignInKey = "sign-in";
    private const string HasherKey = "hasher";
    private const string BenchmarkPassword = "benchmark password long enough";

    /// <summary>Enough accounts that 16 workers taking them in turn rarely sign the same one in at once.</summary>
    private static readonly string[] BenchmarkUsers = Enumerable.Range(0, 64).Select(i => $"benchuser{i}").ToArray();

    private sealed record Scenario(string Key, string Title, Func<ScenarioContext, Task<ScenarioResult>> RunAsync);

    private sealed record ScenarioContext(InProcessProvider Provider, HttpClient Client, BenchmarkOptions Options,
        CancellationToken Stopping)
    {
        public LoadShape Http => new(Options.Concurrency, Options.WarmUp, Options.Duration);

        /// <summary>Raw hashing runs one thread per core: the most verifications the machine can do.</summary>
        public LoadShape PerCore => new(Environment.ProcessorCount, Options.WarmUp, Options.Duration);
    }

    private static readonly Scenario[] Scenarios =
    [
        new("client_credentials", "client_credentials",
            c => HttpScenarios.ClientCredentialsAsync("client_credentials", c.Client, c.Http, c.Stopping)),
        new(SignInKey, MarkdownReport.SignInTitle,
            c => new SignInScenario(c.Client, BenchmarkUsers, BenchmarkPassword).RunAsync(MarkdownReport.SignInTitle, c.Http, c.Stopping)),
        new(HasherKey, MarkdownReport.HasherTitle, async c =>
        {
            var hash = await c.Provider.GetPasswordHashAsync(BenchmarkUsers[0]);
            return HasherScenario.Run(MarkdownReport.HasherTitle, c.Provider.Services, hash, BenchmarkPassword, c.PerCore, c.Stopping);
        }),
        new("discovery", "discovery", c => HttpScenarios.DiscoveryAsync("discovery", c.Client, c.Http, c.Stopping)),
        new("jwks", "jwks", c => HttpScenarios.JwksAsync("jwks", c.Client, c.Http, c.Stopping)),
    ];

    /// <summary>
    /// The sign-in/hasher ratio is the figure, and a shared virtual machine's speed drifts by tens of
    /// percent over a minute: the two run in alternating rounds, so drift affects both alike.
    /// </summary>
    private const int AlternatingRounds = 4;

    private static readonly TimeSpan SteadyStateWarmUp = TimeSpan.FromSeconds(20);

    private static async Task RunAlternatingAsync(Scenario[] pair, ScenarioContext context, List<ScenarioResult> results,
        CancellationTokenSource stopping)
    {
        // The sign-in path runs far more code than PBKDF2; the JIT keeps tiering it up for some 15-20 s on
        // two busy cores, a one-time start-up cost a running provider no longer pays. That warm-up runs
        // first, unmeasured, so the rounds compare steady states.
        var warmUp = context with { Options = context.Options with { Duration = SteadyStateWarmUp, WarmUp = TimeSpan.Zero } };
        await Console.Error.WriteLineAsync($"Warming sign-in up to steady state for {SteadyStateWarmUp.TotalSeconds:0} s...");
        await pair.Single(s => s.Key == SignInKey).RunAsync(warmUp);

        var round = context with
        {
            Options = context.Options with { Duration = context.Options.Duration / AlternatingRounds, WarmUp = TimeSpan.FromSeconds(1) },
        };
        var measured = pair.ToDictionary(s => s, _ => new List<ScenarioResult>());
        await Console.Error.WriteLineAsync(
            $"{string.Join(" and ", pair.Select(s => s.Title))}: {AlternatingRounds} alternating rounds of {round.Options.Duration.TotalSeconds:0.#} s each...");
        for (var i = 0; i < AlternatingRounds && !stopping.IsCancellationRequested; i++)
        {
            foreach (var scenario in pair)
            {
                try
                {
                    measured[scenario].Add(await scenario.RunAsync(round));
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        results.AddRange(measured.Where(m => m.Value.Count > 0).Select(m => ScenarioResult.Merge(m.Value)));
    }

    public static async Task<int> Main(string[] args)
    {
        var keys = Scenarios.Select(s => s.Key).ToArray();
        if (BenchmarkOptions.TryParse(args, keys, out var options, out var helpAsked) is { } invalid)
        {
            await Console.Error.WriteLineAsync($"{invalid}\n{BenchmarkOptions.Usage(keys)}");
            return 2;
        }

        if (helpAsked)
        {
            Console.WriteLine(BenchmarkOptions.Usage(keys));
            return 0;
        }

        var selected = Scenarios
            .Where(s => options.Only is null || string.Equals(s.Key, options.Only, StringComparison.OrdinalIgnoreCase))
            .ToArray();

        // Ctrl+C ends the current scenario early and skips the rest; the provider is still disposed and
        // its temp folder deleted.
        using var stopping = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };

        // WebApplicationFactory finds the provider's content root (src/Cers.Idp) through the
        // MvcTestingAppManifest.json that the build puts beside this program, looked up in the current
        // directory as a test runner sets it; `dotnet run --project` starts elsewhere.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);

        var results = new List<ScenarioResult>();
        await Console.Error.WriteLineAsync("Starting the provider on loopback...");
        await using (var provider = new InProcessProvider())
        using (var client = provider.CreateLoadClient())
        {
            await Console.Error.WriteLineAsync($"Provider at {provider.BaseAddress}, data in {provider.DataDirectory}");
            if (selected.Any(s => s.Key is SignInKey or HasherKey))
            {
                await Console.Error.WriteLineAsync($"Creating {BenchmarkUsers.Length} benchmark accounts...");
                try
                {
                    await provider.CreateUsersAsync(BenchmarkUsers, BenchmarkPassword, stopping.Token);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Ctrl+C: no scenario runs; the report below says so.
                }
            }

            var context = new ScenarioContext(provider, client, options, stopping.Token);
            var paired = selected.Where(s => s.Key is SignInKey or HasherKey).ToArray();
            if (paired.Length == 2)
            {
                await RunAlternatingAsync(paired, context, results, stopping);
                selected = selected.Except(paired).ToArray();
            }

            foreach (var scenario in selected)
            {
                if (stopping.IsCancellationRequested)
                {
                    break;
                }

                await Console.Error.WriteLineAsync(
                    $"{scenario.Title}: {options.WarmUp.TotalSeconds:0.#} s warm-up, {options.Duration.TotalSeconds:0.#} s measured...");
                try
                {
                    results.Add(await scenario.RunAsync(context));
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // A first request that cannot even be sent: show it in the table, go on with the rest.
                    results.Add(ScenarioResult.NotRun(scenario.Title, $"{e.GetType().Name}: {e.Message}"));
                }
            }
        }

        Console.WriteLine(MarkdownReport.Render(results.OrderBy(r => Array.FindIndex(Scenarios, s => s.Title == r.Scenario)).ToList(), options));
        return stopping.IsCancellationRequested ? 130 : results.Any(r => r.Errors > 0) ? 1 : 0;
    }
}
