using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.SampleData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>How much of an address a search gives, from "less is better" (the number alone) to number, street and ZIP.</summary>
internal enum AddressSearchKind
{
    Number,
    NumberStreet,
    NumberStreetCity,
    NumberStreetZip,
}

/// <summary>
/// Address search over a large database: <c>GET /api/facilities/search</c> with a real bearer token, over
/// real loopback HTTP, for addresses that exist. The facilities are the API's own sample data, written by
/// its own seeder (what <c>seed --facilities N</c> runs) into a fresh database; the queries are made from a
/// deterministic random sample of the seeded rows, read back from that database, and each one is run once
/// and checked before the load: it must find the facility it was made from.
/// </summary>
internal sealed class FacilitySearchScenario
{
    public const int DefaultFacilities = 1_000_000;

    /// <summary>Distinct addresses per kind, taken in turn by the workers.</summary>
    public const int SampleSize = 1_000;

    /// <summary>Draws the sample's CERS IDs: the same seeded rows give the same queries on every run.</summary>
    private const int SampleSeed = 4;

    private const string SearchPath = "api/facilities/search";

    private readonly HttpClient _client;
    private readonly AuthenticationHeaderValue _bearer;
    private readonly IReadOnlyList<SampledFacility> _sample;
    private readonly Dictionary<AddressSearchKind, string[]> _queries;
    private long _next = -1;

    private FacilitySearchScenario(HttpClient client, string accessToken, IReadOnlyList<SampledFacility> sample)
    {
        _client = client;
        _bearer = new AuthenticationHeaderValue("Bearer", accessToken);
        _sample = sample;
        _queries = Kinds.ToDictionary(kind => kind, kind => sample.Select(f => Query(kind, f)).ToArray());
    }

    public static IReadOnlyList<AddressSearchKind> Kinds { get; } = Enum.GetValues<AddressSearchKind>();

    public static string Title(AddressSearchKind kind) => kind switch
    {
        AddressSearchKind.Number => "facility search, number",
        AddressSearchKind.NumberStreet => "facility search, number + street",
        AddressSearchKind.NumberStreetCity => "facility search, number + street + city",
        _ => "facility search, number + street + ZIP",
    };

    /// <summary>A facility as stored: the street line, city and ZIP as entered.</summary>
    internal sealed record SampledFacility(int CersId, string Street, string City, string Zip);

    /// <summary>What the seeding and the sample came to, for the note under the table.</summary>
    internal sealed record Preparation(SampleSeedResult Seeded, int Sampled, double[] MatchesPerKind);

    /// <summary>
    /// Seeds <paramref name="facilities"/> sample facilities through the API's own <see cref="SampleDataSeeder"/>
    /// (agencies first, as the seed command does), reads the sample back and checks every query once.
    /// </summary>
    public static async Task<(FacilitySearchScenario? Scenario, Preparation? Prepared, string? Problem)> PrepareAsync(
        FacilityApiPair pair, int facilities, string title, CancellationToken cancellationToken)
    {
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{title}: seeding {facilities:N0} sample facilities (seed {SampleDataExtensions.DefaultSeed}) through the API's seeder..."));
        SampleSeedResult seeded;
        await using (var scope = pair.Api.Services.CreateAsyncScope())
        {
            var seeder = scope.ServiceProvider.GetRequiredService<SampleDataSeeder>();
            await seeder.SeedAgenciesAsync(cancellationToken);
            seeded = await seeder.SeedFacilitiesAsync(facilities, SampleDataExtensions.DefaultSeed, cancellationToken);
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{title}: seeded {seeded.Facilities:N0} facilities in {seeded.Businesses:N0} businesses in {seeded.Elapsed.TotalSeconds:0.0} s; sampling {Math.Min(SampleSize, facilities):N0}..."));
        var sample = await SampleAsync(pair.Api.Services, seeded, cancellationToken);
        var token = await pair.RequestAccessTokenAsync("facility.read", cancellationToken);
        var scenario = new FacilitySearchScenario(pair.Client, token, sample);

        await Console.Error.WriteLineAsync($"{title}: running each of the {sample.Count * Kinds.Count:N0} queries once and checking its answer...");
        var (matches, problem) = await scenario.CheckEveryQueryAsync(cancellationToken);
        return problem is null
            ? (scenario, new Preparation(seeded, sample.Count, matches), null)
            : (null, null, problem);
    }

    public Task<ScenarioResult> RunAsync(AddressSearchKind kind, LoadShape shape, CancellationToken cancellationToken)
    {
        var queries = _queries[kind];
        return LoadLoop.RunAsync(Title(kind), shape, async cancel =>
        {
            var query = queries[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)queries.Length)];
            using var request = new HttpRequestMessage(HttpMethod.Get, query);
            request.Headers.Authorization = _bearer;
            using var response = await _client.SendAsync(request, cancel);
            return await HttpErrors.DescribeFailureAsync(response, cancel);
        }, cancellationToken);
    }

    /// <summary>
    /// The sample's CERS IDs drawn at random (fixed seed) from those the seeding gave out, which are
    /// consecutive; the rows are read back from the database, as stored.
    /// </summary>
    private static async Task<IReadOnlyList<SampledFacility>> SampleAsync(IServiceProvider services, SampleSeedResult seeded,
        CancellationToken cancellationToken)
    {
        var random = new Random(SampleSeed);
        var ids = new HashSet<int>();
        while (ids.Count < Math.Min(SampleSize, seeded.Facilities))
        {
            ids.Add(seeded.FirstCersId + random.Next(seeded.Facilities));
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        var rows = await db.Facilities.AsNoTracking()
            .Where(f => ids.Contains(f.CersId))
            .Select(f => new SampledFacility(f.CersId, f.Street, f.City, f.Zip))
            .ToListAsync(cancellationToken);
        if (rows.Count != ids.Count)
        {
            throw new InvalidOperationException($"{ids.Count} sampled CERS IDs, but {rows.Count} facilities have them.");
        }

        // Shuffled (deterministically), so consecutive queries do not walk the table in CERS ID order.
        var sample = rows.OrderBy(f => f.CersId).ToArray();
        random.Shuffle(sample);
        return sample;
    }

    /// <summary>
    /// The search form's fields as a person fills them in from the facility's address: the house number,
    /// the rest of the street line as entered ("N. Main Street, Suite 200"), the city as entered, the ZIP.
    /// </summary>
    private static string Query(AddressSearchKind kind, SampledFacility facility)
    {
        var space = facility.Street.IndexOf(' ', StringComparison.Ordinal);
        var number = space < 0 ? facility.Street : facility.Street[..space];
        var street = space < 0 ? "" : facility.Street[(space + 1)..];
        var query = SearchPath + "?number=" + Uri.EscapeDataString(number);
        if (kind != AddressSearchKind.Number)
        {
            query += "&street=" + Uri.EscapeDataString(street);
        }

        return kind switch
        {
            AddressSearchKind.NumberStreetCity => query + "&city=" + Uri.EscapeDataString(facility.City),
            AddressSearchKind.NumberStreetZip => query + "&zip=" + Uri.EscapeDataString(facility.Zip),
            _ => query,
        };
    }

    /// <summary>
    /// Runs every query once (16 at a time) and checks it found its facility: on the first
    /// page, or the first page is full, so it may be on a later one (the total counts it either way).
    /// Returns the mean number of matching facilities per query of each kind, or the first problem.
    /// </summary>
    private async Task<(double[] Matches, string? Problem)> CheckEveryQueryAsync(CancellationToken cancellationToken)
    {
        var matches = new double[Kinds.Count];
        string? problem = null;
        foreach (var kind in Kinds)
        {
            var queries = _queries[kind];
            var totals = new long[queries.Length];
            await Parallel.ForAsync(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, cancel) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, queries[i]);
                    request.Headers.Authorization = _bearer;
                    using var response = await _client.SendAsync(request, cancel);
                    var body = await response.Content.ReadAsStringAsync(cancel);
                    var (total, error) = response.IsSuccessStatusCode
                        ? Check(body, _sample[i].CersId)
                        : (0, HttpErrors.Describe(response, body));
                    totals[i] = total;
                    if (error is not null)
                    {
                        Interlocked.CompareExchange(ref problem, $"{Title(kind)}: {queries[i]}: {error}", null);
                    }
                });
            matches[(int)kind] = totals.Average();
        }

        return (matches, problem);
    }

    private static (int Total, string? Error) Check(string body, int cersId)
    {
        var result = JsonSerializer.Deserialize<FacilitySearchResult>(body, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The search answered null.");
        var found = result.Businesses.Any(b => b.Facilities.Any(f => f.CersId == cersId));
        return found || result.TotalBusinesses > result.Businesses.Count
            ? (result.TotalFacilities, null)
            : (result.TotalFacilities, $"the search did not find CERS ID {cersId} ({result.TotalFacilities} facilities found, all on this page)");
    }
}
