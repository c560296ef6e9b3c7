using System.Globalization;
using Cers.Data;

namespace Cers.Benchmarks;

/// <summary>
/// The command line: <c>--concurrency N --seconds S --warmup S --accounts N --facilities N --only scenario[,scenario...]
/// --databases sqlite,postgresql --gc mode[,mode...]</c>.
/// </summary>
/// <param name="Only">The scenarios to run (their keys), or null for all of them.</param>
/// <param name="Accounts">Pending accounts for the expiry job's larger run; the smaller run takes a tenth.</param>
/// <param name="Facilities">Sample facilities seeded for the facility address search.</param>
/// <param name="Databases">
/// The engines the database-bound scenarios run on, side by side: SQLite always can; PostgreSQL is the tests' server
/// (<c>CERS_TEST_POSTGRES</c>), and its rows say so when it is not reachable.
/// </param>
/// <param name="GcModes">The garbage collector settings the memory scenario runs each service with, one after another.</param>
internal sealed record BenchmarkOptions(int Concurrency, TimeSpan Duration, TimeSpan WarmUp, IReadOnlyList<string>? Only, int Accounts,
    int Facilities, IReadOnlyList<DatabaseProvider> Databases, IReadOnlyList<GcMode> GcModes)
{
    public static BenchmarkOptions Defaults { get; } =
        new(16, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), null, 1_000_000, FacilitySearchScenario.DefaultFacilities,
            [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql], [GcMode.AsBuilt]);

    /// <summary>Ten million rows make a database of several gigabytes; more is not a benchmark for one machine.</summary>
    private const int MaxAccounts = 10_000_000;

    /// <summary>The same bound for facilities (the API's own seed command allows more).</summary>
    private const int MaxFacilities = 10_000_000;

    public bool Selects(string key) => Only is null || Only.Contains(key, StringComparer.OrdinalIgnoreCase);

    public static string Usage(IEnumerable<string> scenarioKeys) =>
        "usage: dotnet run -c Release --project tests/Cers.Benchmarks -- "
        + "[--concurrency N (16)] [--seconds S (10)] [--warmup S (2)] [--accounts N (1000000)] [--facilities N (1000000)] [--only "
        + string.Join('|', scenarioKeys) + "[,...]] [--databases sqlite,postgresql (both)] [--gc "
        + string.Join('|', GcMode.All.Select(mode => mode.Key)) + "[,...] (as-built)]";

    /// <summary>Null when the arguments are valid (or only ask for help); otherwise what is wrong with them.</summary>
    public static string? TryParse(string[] args, IReadOnlyCollection<string> scenarioKeys, out BenchmarkOptions options, out bool helpAsked)
    {
        options = Defaults;
        helpAsked = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                helpAsked = true;
                return null;
            }

            if (i + 1 >= args.Length)
            {
                return $"{name} needs a value";
            }

            var value = args[++i];
            switch (name)
            {
                case "--concurrency" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) && workers > 0:
                    options = options with { Concurrency = workers };
                    break;
                case "--seconds" when TryParseSeconds(value, out var seconds) && seconds > TimeSpan.Zero:
                    options = options with { Duration = seconds };
                    break;
                case "--warmup" when TryParseSeconds(value, out var seconds):
                    options = options with { WarmUp = seconds };
                    break;
                case "--accounts" when int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var accounts)
                    && accounts is > 0 and <= MaxAccounts:
                    options = options with { Accounts = accounts };
                    break;
                case "--facilities" when int.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var facilities)
                    && facilities is > 0 and <= MaxFacilities:
                    options = options with { Facilities = facilities };
                    break;
                case "--only" when value.Split(',', StringSplitOptions.TrimEntries) is var keys
                    && keys.All(key => scenarioKeys.Contains(key, StringComparer.OrdinalIgnoreCase)):
                    options = options with { Only = keys };
                    break;
                case "--databases" when TryParseDatabases(value, out var databases):
                    options = options with { Databases = databases };
                    break;
                case "--gc" when value.Split(',', StringSplitOptions.TrimEntries)
                        .Select(key => GcMode.All.FirstOrDefault(mode => mode.Key.Equals(key, StringComparison.OrdinalIgnoreCase))).ToList() is var modes
                    && modes.All(mode => mode is not null):
                    options = options with { GcModes = [.. modes.OfType<GcMode>()] };
                    break;
                case "--concurrency" or "--seconds" or "--warmup" or "--accounts" or "--facilities" or "--only" or "--databases" or "--gc":
                    return $"{name} {value} is not a valid value";
                default:
                    return $"unknown option {name}";
            }
        }

        return null;
    }

    /// <summary>SQL Server cannot run here, so it is not offered.</summary>
    private static bool TryParseDatabases(string value, out IReadOnlyList<DatabaseProvider> databases)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries);
        var parsed = names
            .Select(name => Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var engine)
                && engine is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql ? engine : (DatabaseProvider?)null)
            .ToList();
        databases = [.. parsed.OfType<DatabaseProvider>().Distinct()];
        return parsed.All(engine => engine is not null);
    }

    private static bool TryParseSeconds(string value, out TimeSpan span)
    {
        var ok = double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= TimeSpan.FromHours(1).TotalSeconds;
        span = ok ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        return ok;
    }
}
