using System.Collections.Concurrent;
using Cers.Data;
using Npgsql;
using Xunit;

namespace Cers.Testing;

/// <summary>
/// The engine the test hosts keep their data on: SQLite files by default; with <c>CERS_TEST_DATABASE=PostgreSql</c>
/// a PostgreSQL database per data folder instead (<see cref="SettingsFor"/>), so the same tests run on both. Tests
/// about one engine choose it themselves.
/// </summary>
public static class TestDatabase
{
    private static readonly ConcurrentDictionary<(string Directory, string Name), Lazy<PostgreSqlTestDatabase>> Databases = new();

    public static DatabaseProvider Engine { get; } =
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("CERS_TEST_DATABASE"), ignoreCase: true, out var engine)
            ? engine
            : DatabaseProvider.Sqlite;

    /// <summary>With <c>CI=true</c> the servers the tests need must be there: their absence fails instead of skipping.</summary>
    public static bool ServersRequired => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The settings that put a service's database <paramref name="connectionStringName"/> on the test engine. None for
    /// SQLite: the service makes its file in <paramref name="dataDirectory"/>. For PostgreSQL, a database that belongs
    /// to that folder the way the file would: every host (or command) started on the folder finds the same data, a
    /// restart included, and it is dropped with the folder (<see cref="TempDirectory"/>).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(string dataDirectory, string connectionStringName) =>
        Engine == DatabaseProvider.PostgreSql
            ? Databases.GetOrAdd((Path.GetFullPath(dataDirectory), connectionStringName), _ => new(PostgreSqlTestDatabase.Create))
                .Value.Settings(connectionStringName)
            : [];

    /// <summary>
    /// The settings of a service as it runs outside Development: its database on PostgreSQL (the folder's, whatever
    /// <see cref="Engine"/> is) and its shared state on Redis (<see cref="TestRedis"/>).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> ServerSettingsFor(string dataDirectory, string connectionStringName)
    {
        var database = Databases.GetOrAdd((Path.GetFullPath(dataDirectory), connectionStringName), _ => new(PostgreSqlTestDatabase.Create)).Value;
        return
        [
            .. database.Settings(connectionStringName),
            new("Redis:Configuration", TestRedis.Configuration),

            // The folder's own keys: counters and marks of other tests (or earlier runs) are not this one's.
            new("Redis:KeyPrefix", database.Name + ":"),
        ];
    }

    /// <summary>Drops the databases of <paramref name="directory"/> and the folders under it.</summary>
    public static void DropUnder(string directory)
    {
        var root = Path.GetFullPath(directory);
        foreach (var key in Databases.Keys.Where(k => k.Directory == root || k.Directory.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            if (Databases.TryRemove(key, out var database) && database.IsValueCreated)
            {
                database.Value.Dispose();
            }
        }
    }
}

/// <summary>
/// A database of one test host's own on the PostgreSQL server named by <c>CERS_TEST_POSTGRES</c> (a connection string
/// to a role that may create databases; by default the one <c>.ci/run</c> creates on 127.0.0.1), dropped on dispose.
/// </summary>
public sealed class PostgreSqlTestDatabase : IDisposable
{
    public const string InstallCommand =
        "sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start && " +
        "sudo -u postgres psql -c \"CREATE ROLE cers LOGIN PASSWORD 'cers' CREATEDB\"";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    private PostgreSqlTestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
    }

    public static string AdminConnectionString { get; } =
        Environment.GetEnvironmentVariable("CERS_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=cers;Password=cers;Database=postgres";

    /// <summary>Why the server cannot be used (with how to install it), or null when it can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Creates an empty database; throws with how to install the server when it is not reachable.</summary>
    public static PostgreSqlTestDatabase Create()
    {
        if (UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var database = new PostgreSqlTestDatabase("cers_test_" + Guid.NewGuid().ToString("N")[..16]);
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        create.ExecuteNonQuery();
        return database;
    }

    /// <summary>The settings that put a service with connection string <paramref name="connectionStringName"/> on this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(string connectionStringName) =>
    [
        new("Database:Provider", nameof(DatabaseProvider.PostgreSql)),
        new($"ConnectionStrings:{connectionStringName}", ConnectionString),
    ];

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        try
        {
            drop.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // FORCE may not end a backend of another role (autovacuum) without pg_signal_backend, which .ci/run grants;
            // without it the database is left behind, under its cers_test_ name.
        }
    }

    private static string? Probe()
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Timeout = 3 }.ToString());
            connection.Open();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return $"PostgreSQL is not reachable with CERS_TEST_POSTGRES ({e.Message}); install and start it: {InstallCommand}.";
        }
    }
}

/// <summary>The Redis server the tests use: <c>CERS_TEST_REDIS</c> (a StackExchange.Redis configuration), by default 127.0.0.1:6379.</summary>
public static class TestRedis
{
    public const string InstallCommand = "sudo apt-get install -y redis-server && redis-server --daemonize yes";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    public static string Configuration { get; } =
        Environment.GetEnvironmentVariable("CERS_TEST_REDIS") is { Length: > 0 } configured ? configured : "127.0.0.1:6379";

    /// <summary>Why the server cannot be used (with how to install it), or null when it can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    private static string? Probe()
    {
        try
        {
            var options = StackExchange.Redis.ConfigurationOptions.Parse(Configuration);
            options.ConnectTimeout = 3000;
            using var redis = StackExchange.Redis.ConnectionMultiplexer.Connect(options);
            redis.GetDatabase().Ping();
            return null;
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return $"Redis is not reachable at CERS_TEST_REDIS ({Configuration}); install and start it: {InstallCommand}.";
        }
    }
}

/// <summary>
/// A test that needs the PostgreSQL and Redis servers: skipped, with how to install them, when either is not
/// reachable and <c>CI</c> is not <c>true</c>; with <c>CI=true</c> it runs and fails on their absence.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerFactAttribute : FactAttribute
{
    public ServerFactAttribute()
    {
        var missing = string.Join(" ", new[] { PostgreSqlTestDatabase.UnavailableReason, TestRedis.UnavailableReason }.OfType<string>());
        if (missing.Length > 0 && !TestDatabase.ServersRequired)
        {
            Skip = missing + " Set CI=true to make their absence fail the run instead.";
        }
    }
}
