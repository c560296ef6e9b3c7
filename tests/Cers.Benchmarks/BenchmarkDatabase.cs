using Cers.Data;
using Cers.Testing;

namespace Cers.Benchmarks;

/// <summary>
/// Where one benchmark service keeps its data: a SQLite file in its temp folder, or a PostgreSQL database of its own
/// on the tests' server (<c>CERS_TEST_POSTGRES</c>; <c>.ci/run</c> starts one), dropped on dispose. Either way the
/// service's own migrations make the schema.
/// </summary>
internal sealed class BenchmarkDatabase : IDisposable
{
    private readonly PostgreSqlTestDatabase? _postgreSql;

    private BenchmarkDatabase(DatabaseProvider engine, PostgreSqlTestDatabase? postgreSql)
    {
        Engine = engine;
        _postgreSql = postgreSql;
    }

    public DatabaseProvider Engine { get; }

    /// <summary>The engine's name in the tables.</summary>
    public static string Name(DatabaseProvider engine) => engine == DatabaseProvider.PostgreSql ? "PostgreSQL" : "SQLite";

    /// <summary>Why the engine cannot be used here (with how to install it), or null.</summary>
    public static string? Unavailable(DatabaseProvider engine) =>
        engine == DatabaseProvider.PostgreSql ? PostgreSqlTestDatabase.UnavailableReason : null;

    public static BenchmarkDatabase Create(DatabaseProvider engine) =>
        new(engine, engine == DatabaseProvider.PostgreSql ? PostgreSqlTestDatabase.Create() : null);

    /// <summary><paramref name="settings"/> with the ones that put the service's database <paramref name="names"/> on this engine.</summary>
    public Dictionary<string, string?> With(ServiceDatabase names, IReadOnlyDictionary<string, string?>? settings)
    {
        var combined = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Database:Provider"] = Engine.ToString(),
        };
        foreach (var (key, value) in _postgreSql?.Settings(names.ConnectionStringName) ?? [])
        {
            combined[key] = value;
        }

        return combined;
    }

    public void Dispose() => _postgreSql?.Dispose();
}
