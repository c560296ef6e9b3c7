using System.Globalization;
using Cers.Data;

namespace Cers.Benchmarks;

/// <summary>
/// Load test of the real provider: starts it in this process on loopback, runs each scenario for a
/// fixed time with concurrent workers over real HTTP (or, for a batch job, to the end), and prints
/// Markdown tables. Not a test project (nothing is asserted); it exits with 1 when any request or
/// check failed, 130 after Ctrl+C.
/// </summary>
internal static class BenchmarkProgram
{
    private const string SignInKey = "sign-in";
    private const string HasherKey = "hasher";
    private const string BenchmarkPassword = "benchmark password long enough";

    /// <summary>Enough accounts that 16 workers taking them in turn rarely sign the same one in at once.</summary>
    private static readonly string[] BenchmarkUsers = Enumerable.Range(0, 64).Select(i => $"benchuser{i}").ToArray();

    /// <summary>
    /// A selectable scenario: its <c>--only</c> key and a title for progress and for a scenario that cannot run. One that
    /// measures the database's part runs on each engine of <c>--databases</c>; the others on SQLite only.
    /// </summary>
    private abstract record Scenario(string Key, string Title)
    {
        public bool OnEachDatabase { get; init; }

        public bool RunsOn(DatabaseProvider engine) => engine == DatabaseProvider.Sqlite || OnEachDatabase;
    }

    /// <summary>Runs against the provider that every such scenario shares.</summary>
    private sealed record SharedProviderScenario(string Key, string Title, Func<ScenarioContext, Task<IReadOnlyList<ScenarioResult>>> RunAsync)
        : Scenario(Key, Title);

    /// <summary>Starts providers of its own (a database to fill, different settings); runs after the shared one has stopped.</summary>
    private sealed record OwnProviderScenario(string Key, string Title,
        Func<BenchmarkOptions, DatabaseProvider, CancellationToken, Task<IReadOnlyList<ScenarioResult>>> RunAsync)
        : Scenario(Key, Title);

    /// <summary>One row of the table and how to measure it once.</summary>
    private sealed record Part(string Title, Func<ScenarioContext, Task<ScenarioResult>> RunAsync);

    private sealed record ScenarioContext(InProcessProvider Provider, HttpClient Client, BenchmarkOptions Options,
        CancellationToken Stopping)
    {
        public LoadShape Http => new(Options.Concurrency, Options.WarmUp, Options.Duration);

        /// <summary>Raw hashing runs one thread per core: the most verifications the machine can do.</summary>
        public LoadShape PerCore => new(Environment.ProcessorCount, Options.WarmUp, Options.Duration);
    }

    private static readonly Part SignIn = new(MarkdownReport.SignInTitle,
        c => new SignInScenario(c.Client, BenchmarkUsers, BenchmarkPassword).RunAsync(MarkdownReport.SignInTitle, c.Http, c.Stopping));

    private static readonly Part Hasher = new(MarkdownReport.HasherTitle, async c =>
    {
        var hash = await c.Provider.GetPasswordHashAsync(BenchmarkUsers[0]);
        return HasherScenario.Run(MarkdownReport.HasherTitle, c.Provider.Services, hash, BenchmarkPassword, c.PerCore, c.Stopping);
    });

    private static readonly Scenario[] Scenarios =
    [
        Single("client_credentials", new("client_credentials",
            c => HttpScenarios.ClientCredentialsAsync("client_credentials", c.Client, c.Http, c.Stopping))) with { OnEachDatabase = true },
        Single(SignInKey, SignIn) with { OnEachDatabase = true },
        Single(HasherKey, Hasher) with { OnEachDatabase = true },
        new SharedProviderScenario("registration", "registration", c =>
        {
            // New and existing usernames in alternating rounds, like sign-in and hasher: their ratio is the figure.
            var registration = new RegistrationScenario(c.Client);
            Part[] parts =
            [
                new(MarkdownReport.RegistrationNewTitle,
                    r => registration.RunNewAsync(MarkdownReport.RegistrationNewTitle, r.Http, r.Stopping)),
                new(MarkdownReport.RegistrationExistingTitle,
                    r => registration.RunExistingAsync(MarkdownReport.RegistrationExistingTitle, r.Http, r.Stopping)),
            ];
            return RunAlternatingAsync(parts, warmUp: parts, c);
        }),
        new SharedProviderScenario("enumeration", "enumeration timing", c =>
        {
            // Each form's existing and unknown account in alternating rounds; the ratios are the figures.
            var timing = new EnumerationTimingScenario(c.Client, BenchmarkUsers);
            Part[] parts =
            [
                .. timing.Forms.SelectMany(form => new[] { true, false }.Select(known => new Part(EnumerationTimingScenario.Title(form, known),
                    r => timing.RunAsync(form, known, r.Http, r.Stopping)))),
            ];
            return RunAlternatingAsync(parts, warmUp: parts, c);
        }),
        Single("discovery", new("discovery", c => HttpScenarios.DiscoveryAsync("discovery", c.Client, c.Http, c.Stopping))),
        Single("jwks", new("jwks", c => HttpScenarios.JwksAsync("jwks", c.Client, c.Http, c.Stopping))),
        new OwnProviderScenario("expiry", "pending-account expiry",
            (options, engine, stopping) => PendingAccountExpiryScenario.RunAsync(options.Accounts, engine, stopping)) { OnEachDatabase = true },
        new OwnProviderScenario("facility-search", "facility address search", RunFacilitySearchAsync) { OnEachDatabase = true },
        new OwnProviderScenario("facility-auth", "facility API bearer token", RunBearerTokenAsync),
        new OwnProviderScenario("memory", "service memory", RunServiceMemoryAsync),
    ];

    /// <summary>Each service as its own process, once per <c>--gc</c> mode (by default as built).</summary>
    private static async Task<IReadOnlyList<ScenarioResult>> RunServiceMemoryAsync(BenchmarkOptions options, DatabaseProvider engine,
        CancellationToken stopping)
    {
        var results = new List<ScenarioResult>();
        foreach (var gc in options.GcModes)
        {
            try
            {
                results.AddRange(await ServiceMemoryScenario.RunAsync(options, gc, stopping));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One setting's failure is its row; the other settings' rows still count.
                results.Add(ScenarioResult.NotRun($"service memory ({gc.Key})", $"{e.GetType().Name}: {e.Message}"));
            }
        }

        return results;
    }

    /// <summary>
    /// The four kinds of address search in alternating rounds, over <c>--facilities</c> sample facilities
    /// in a fresh database, with a provider and facility API of their own.
    /// </summary>
    private static async Task<IReadOnlyList<ScenarioResult>> RunFacilitySearchAsync(BenchmarkOptions options, DatabaseProvider engine,
        CancellationToken stopping)
    {
        const string title = "facility address search";
        await using var pair = await FacilityApiPair.StartAsync(title, engine);
        var (search, prepared, problem) = await FacilitySearchScenario.PrepareAsync(pair, options.Facilities, title, stopping);
        if (problem is not null || search is null || prepared is null)
        {
            return [.. FacilitySearchScenario.Kinds.Select(kind => ScenarioResult.NotRun(FacilitySearchScenario.Title(kind), problem ?? "not prepared"))];
        }

        Part[] parts =
        [
            .. FacilitySearchScenario.Kinds.Select(kind => new Part(FacilitySearchScenario.Title(kind),
                c => search.RunAsync(kind, c.Http, c.Stopping))),
        ];
        var results = await RunAlternatingAsync(parts, warmUp: parts, new ScenarioContext(pair.Provider, pair.Client, options, stopping));
        return [.. results.Select((result, i) => i == 0 ? result with { Note = MarkdownReport.FacilitySearchNote(prepared, results) } : result)];
    }

    /// <summary>
    /// GET /api/agencies with a real token and an anonymous copy of the same route, in alternating rounds
    /// like sign-in and hasher: their ratio is the figure.
    /// </summary>
    private static async Task<IReadOnlyList<ScenarioResult>> RunBearerTokenAsync(BenchmarkOptions options, DatabaseProvider engine,
        CancellationToken stopping)
    {
        await using var pair = await FacilityApiPair.StartAsync("facility API bearer token", engine, BearerTokenScenario.MapAnonymousCopy);
        var token = await pair.RequestAccessTokenAsync("facility.read", stopping);
        var bearer = new BearerTokenScenario(pair.Client, token);
        if (await bearer.CheckAsync(stopping) is { } problem)
        {
            return [ScenarioResult.NotRun(BearerTokenScenario.AuthorizedTitle, problem), ScenarioResult.NotRun(BearerTokenScenario.AnonymousTitle, problem)];
        }

        Part[] parts =
        [
            new(BearerTokenScenario.AuthorizedTitle, c => bearer.RunAuthorizedAsync(c.Http, c.Stopping)),
            new(BearerTokenScenario.AnonymousTitle, c => bearer.RunAnonymousAsync(c.Http, c.Stopping)),
        ];
        var results = await RunAlternatingAsync(parts, warmUp: parts, new ScenarioContext(pair.Provider, pair.Client, options, stopping));
        return [.. results.Select((result, i) => i == 0 ? result with { Note = MarkdownReport.BearerTokenNote(results) } : result)];
    }

    private static SharedProviderScenario Single(string key, Part part) =>
        new(key, part.Title, async c =>
        {
            await Console.Error.WriteLineAsync(
                $"{part.Title}: {c.Options.WarmUp.TotalSeconds:0.#} s warm-up, {c.Options.Duration.TotalSeconds:0.#} s measured...");
            return [await part.RunAsync(c)];
        });

    /// <summary>
    /// Ratios are the figures here (sign-in/hasher, existing/new registration), and a shared virtual
    /// machine's speed drifts by tens of percent over a minute: the parts run in alternating rounds, so
    /// drift affects them alike.
    /// </summary>
    private const int AlternatingRounds = 4;

    private static readonly TimeSpan SteadyStateWarmUp = TimeSpan.FromSeconds(20);

    private static async Task<IReadOnlyList<ScenarioResult>> RunAlternatingAsync(Part[] parts, Part[] warmUp, ScenarioContext context)
    {
        // The page paths run far more code than PBKDF2; the JIT keeps tiering them up for some 15-20 s on
        // two busy cores, a one-time start-up cost a running provider no longer pays. That warm-up runs
        // first, unmeasured, so the rounds compare steady states.
        var warmUpContext = context with
        {
            Options = context.Options with { Duration = SteadyStateWarmUp / warmUp.Length, WarmUp = TimeSpan.Zero },
        };
        await Console.Error.WriteLineAsync(
            $"Warming {string.Join(" and ", warmUp.Select(p => p.Title))} up to steady state for {SteadyStateWarmUp.TotalSeconds:0} s...");
        foreach (var part in warmUp)
        {
            await part.RunAsync(warmUpContext);
        }

        var round = context with
        {
            Options = context.Options with { Duration = context.Options.Duration / AlternatingRounds, WarmUp = TimeSpan.FromSeconds(1) },
        };
        var measured = parts.ToDictionary(p => p, _ => new List<ScenarioResult>());
        await Console.Error.WriteLineAsync(
            $"{string.Join(" and ", parts.Select(p => p.Title))}: {AlternatingRounds} alternating rounds of {round.Options.Duration.TotalSeconds:0.#} s each...");
        for (var i = 0; i < AlternatingRounds && !context.Stopping.IsCancellationRequested; i++)
        {
            foreach (var part in parts)
            {
                try
                {
                    measured[part].Add(await part.RunAsync(round));
                }
                catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        return measured.Where(m => m.Value.Count > 0).Select(m => ScenarioResult.Merge(m.Value)).ToList();
    }

    /// <summary>
    /// No SMTP server runs beside the benchmark. The outbox is pointed at a closed loopback port, so a
    /// delivery attempt is refused at once instead of holding a job worker until a timeout, and a failed
    /// email's first retry is 30 minutes away (the longest retry delay): during a run each registration's
    /// email costs one delivery attempt, about the bookkeeping of a successful one, and never a flood of retries.
    /// The outbox's warning for each refused email is expected here and would only bury the progress lines.
    /// </summary>
    private static Dictionary<string, string?> SharedProviderSettings() => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = InProcessProvider.ClosedLoopbackPort().ToString(CultureInfo.InvariantCulture),
        ["Email:Smtp:Security"] = "None",
        ["Email:Outbox:FirstRetryDelay"] = "00:30:00",
        ["Logging:LogLevel:Cers.Email.Outbox"] = "Error",
    };

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
            .Where(s => options.Selects(s.Key))
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

        var results = new List<(Scenario Scenario, ScenarioResult Result)>();
        foreach (var engine in options.Databases)
        {
            var onEngine = selected.Where(s => s.RunsOn(engine)).ToList();
            var engineResults = new List<(Scenario Scenario, ScenarioResult Result)>();
            if (onEngine.Count > 0 && BenchmarkDatabase.Unavailable(engine) is { } unavailable)
            {
                engineResults.AddRange(onEngine.Select(s => (s, ScenarioResult.NotRun(s.Title, unavailable))));
            }
            else
            {
                var shared = onEngine.OfType<SharedProviderScenario>().ToList();
                if (shared.Count > 0)
                {
                    await RunOnSharedProviderAsync(shared, options, engine, engineResults, stopping.Token);
                }

                foreach (var scenario in onEngine.OfType<OwnProviderScenario>())
                {
                    if (!await RunGuardedAsync(scenario, () => scenario.RunAsync(options, engine, stopping.Token), engineResults, stopping.Token))
                    {
                        break;
                    }
                }
            }

            results.AddRange(engineResults.Select(r => (r.Scenario, r.Result with { Database = BenchmarkDatabase.Name(engine) })));
            if (stopping.IsCancellationRequested)
            {
                break;
            }
        }

        // Each scenario's rows side by side, one per engine.
        var ordered = results
            .Select((r, i) => (r.Scenario, r.Result, Run: i))
            .OrderBy(r => Array.IndexOf(Scenarios, r.Scenario))
            .ThenBy(r => r.Run)
            .Select(r => r.Result)
            .ToList();
        Console.WriteLine(MarkdownReport.Render(ordered, options));
        return stopping.IsCancellationRequested ? 130 : ordered.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static async Task RunOnSharedProviderAsync(List<SharedProviderScenario> selected, BenchmarkOptions options,
        DatabaseProvider engine, List<(Scenario Scenario, ScenarioResult Result)> results, CancellationToken stopping)
    {
        await Console.Error.WriteLineAsync($"Starting the provider on loopback, on {BenchmarkDatabase.Name(engine)}...");
        await using var provider = new InProcessProvider(SharedProviderSettings(), engine);
        using var client = provider.CreateLoadClient();
        await Console.Error.WriteLineAsync($"Provider at {provider.BaseAddress}, data in {provider.DataDirectory}");
        if (selected.Any(s => s.Key is SignInKey or HasherKey))
        {
            await Console.Error.WriteLineAsync($"Creating {BenchmarkUsers.Length} benchmark accounts...");
            try
            {
                await provider.CreateUsersAsync(BenchmarkUsers, BenchmarkPassword, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return; // Ctrl+C: no scenario runs; the report says so.
            }
        }

        var context = new ScenarioContext(provider, client, options, stopping);
        var paired = selected.Where(s => s.Key is SignInKey or HasherKey).ToArray();
        if (paired.Length == 2)
        {
            // The sign-in/hasher ratio is the figure: the two run in alternating rounds.
            if (!await RunGuardedAsync(paired[0], () => RunAlternatingAsync([SignIn, Hasher], warmUp: [SignIn], context),
                    results, stopping, owner: result => paired.Single(s => s.Title == result.Scenario)))
            {
                return;
            }

            selected = selected.Except(paired).ToList();
        }

        foreach (var scenario in selected)
        {
            if (!await RunGuardedAsync(scenario, () => scenario.RunAsync(context), results, stopping))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Runs one scenario and keeps its rows. A scenario that cannot even start (its first request fails,
    /// its database cannot be filled) is shown in the table and the rest go on; false after Ctrl+C.
    /// </summary>
    /// <param name="owner">The scenario each row belongs to, when it is not <paramref name="scenario"/> (a pair run together).</param>
    private static async Task<bool> RunGuardedAsync(Scenario scenario, Func<Task<IReadOnlyList<ScenarioResult>>> run,
        List<(Scenario Scenario, ScenarioResult Result)> results, CancellationToken stopping, Func<ScenarioResult, Scenario>? owner = null)
    {
        if (stopping.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            results.AddRange((await run()).Select(result => (owner?.Invoke(result) ?? scenario, result)));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            results.Add((scenario, ScenarioResult.NotRun(scenario.Title, $"{e.GetType().Name}: {e.Message}")));
        }

        return !stopping.IsCancellationRequested;
    }
}
