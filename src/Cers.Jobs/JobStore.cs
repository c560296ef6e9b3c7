using System.Data.Common;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Npgsql;

namespace Cers.Jobs;

/// <summary>Where a service keeps its Hangfire state: beside its own data, on the same engine.</summary>
public abstract record JobStore
{
    private JobStore()
    {
    }

    /// <summary>
    /// Whether the service's own start creates or upgrades Hangfire's tables (where it migrates at start); otherwise the
    /// deploy's <c>migrate</c> command does (<see cref="InstallSchema"/>) and the runtime account needs no schema rights.
    /// </summary>
    public bool PrepareSchemaAtStart { get; init; } = true;

    /// <summary>Creates or upgrades Hangfire's tables in a server database; its SQLite file prepares itself.</summary>
    public abstract void InstallSchema();

    /// <summary>
    /// Hangfire's storage on this engine. Each engine's storage is made in its own override, so only the configured
    /// engine's Hangfire and client assemblies are loaded: a switch over all three in one method made the JIT load
    /// Hangfire.SqlServer, Hangfire.PostgreSql and Npgsql into a service that runs on SQLite.
    /// </summary>
    internal abstract JobStorage CreateStorage(JobServerOptions jobs);

    /// <summary>
    /// A SQLite file next to the service's database. Not the same file: Hangfire's SQLite storage uses
    /// its own SQLite library and polls every second, and two libraries writing one file would queue
    /// every account change behind Hangfire's writes for SQLite's single write lock.
    /// </summary>
    public sealed record SqliteFile(string Path) : JobStore
    {
        public override void InstallSchema()
        {
        }

        internal override JobStorage CreateStorage(JobServerOptions jobs) => new SQLiteStorage(Path, new SQLiteStorageOptions
        {
            QueuePollInterval = jobs.QueuePollInterval,
        });

        /// <summary>The jobs file beside a service's SQLite database file: <c>cers-idp.db</c> -> <c>cers-idp.jobs.db</c>.</summary>
        public static SqliteFile Beside(string databasePath) =>
            new(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath)) ?? ".",
                System.IO.Path.GetFileNameWithoutExtension(databasePath) + ".jobs.db"));
    }

    /// <summary>The service's SQL Server database itself (schema <c>HangFire</c>), shared by every instance so a recurring job runs once.</summary>
    public sealed record SqlServer(Func<DbConnection> Connect) : JobStore
    {
        public override void InstallSchema()
        {
            using var connection = Connect();
            connection.Open();
            SqlServerObjectsInstaller.Install(connection, "HangFire", enableHeavyMigrations: true);
        }

        internal override JobStorage CreateStorage(JobServerOptions jobs) => new SqlServerStorage(Connect, new SqlServerStorageOptions
        {
            PrepareSchemaIfNecessary = PrepareSchemaAtStart,
            QueuePollInterval = TimeSpan.Zero,
            SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
            UseRecommendedIsolationLevel = true,
            DisableGlobalLocks = true,
        });
    }

    /// <summary>The service's PostgreSQL database itself (schema <c>hangfire</c>), shared by every instance so a recurring job runs once.</summary>
    public sealed record PostgreSql(string ConnectionString) : JobStore
    {
        public override void InstallSchema()
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            PostgreSqlObjectsInstaller.Install(connection, "hangfire");
        }

        /// <summary>
        /// Hangfire's tables in schema <c>hangfire</c> of the service's own PostgreSQL database. A queued job wakes an idle
        /// worker through LISTEN/NOTIFY rather than waiting for the next poll; a worker that dies (SIGKILL) gives its job
        /// back after the invisibility timeout, and recurring jobs are scheduled once across instances under Hangfire's
        /// distributed lock (a row in that schema).
        /// </summary>
        internal override JobStorage CreateStorage(JobServerOptions jobs)
        {
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = PrepareSchemaAtStart,
                QueuePollInterval = jobs.QueuePollInterval,
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
                EnableLongPolling = true,
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(ConnectionString, options), options);
        }
    }
}
