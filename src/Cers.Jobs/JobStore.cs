using System.Data.Common;

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
    public void InstallSchema()
    {
        switch (this)
        {
            case SqlServer sql:
                using (var connection = sql.Connect())
                {
                    connection.Open();
                    Hangfire.SqlServer.SqlServerObjectsInstaller.Install(connection, "HangFire", enableHeavyMigrations: true);
                }

                break;
            case PostgreSql postgres:
                using (var connection = new Npgsql.NpgsqlConnection(postgres.ConnectionString))
                {
                    connection.Open();
                    Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(connection, "hangfire");
                }

                break;
        }
    }

    /// <summary>
    /// A SQLite file next to the service's database. Not the same file: Hangfire's SQLite storage uses
    /// its own SQLite library and polls every second, and two libraries writing one file would queue
    /// every account change behind Hangfire's writes for SQLite's single write lock.
    /// </summary>
    public sealed record SqliteFile(string Path) : JobStore
    {
        /// <summary>The jobs file beside a service's SQLite database file: <c>cers-idp.db</c> -> <c>cers-idp.jobs.db</c>.</summary>
        public static SqliteFile Beside(string databasePath) =>
            new(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath)) ?? ".",
                System.IO.Path.GetFileNameWithoutExtension(databasePath) + ".jobs.db"));
    }

    /// <summary>The service's SQL Server database itself (schema <c>HangFire</c>), shared by every instance so a recurring job runs once.</summary>
    public sealed record SqlServer(Func<DbConnection> Connect) : JobStore;

    /// <summary>The service's PostgreSQL database itself (schema <c>hangfire</c>), shared by every instance so a recurring job runs once.</summary>
    public sealed record PostgreSql(string ConnectionString) : JobStore;
}
