using Cers.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cers.Data;

/// <summary>
/// The one place that knows which database engines exist, for both services. A service has an abstract
/// context and one subclass per engine (with that engine's migrations); adding an engine means a new
/// <see cref="DatabaseProvider"/> value here, a subclass in each service, and their migrations.
/// </summary>
public static class DatabaseSetup
{
    /// <summary>
    /// The service's database on the configured engine (pooled contexts, <paramref name="configure"/> adding what the
    /// service needs, such as its interceptors), and, on the same engine, the Hangfire storage (see <see cref="JobStore"/>).
    /// A missing or invalid setting stops the service at start with a message naming the key.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext, TSqlite, TSqlServer, TPostgreSql>(this IHostApplicationBuilder builder,
        ServiceDatabase names, Action<IServiceProvider, DbContextOptionsBuilder> configure, out JobStore jobStore)
        where TContext : DbContext
        where TSqlite : TContext
        where TSqlServer : TContext
        where TPostgreSql : TContext
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Sqlite || development,
                $"Database:Provider is Sqlite, which only Development uses: a file cannot be shared by several instances. " +
                $"Set Database:Provider to PostgreSql or SqlServer, and ConnectionStrings:{names.ConnectionStringName}.")
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!Enum.IsDefined(options.Provider))
        {
            throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                [$"Database:Provider must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}."]);
        }

        // Readiness: a load balancer sends no traffic to an instance that cannot reach its database.
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: ["ready"]);

        var connectionString = builder.Configuration.GetConnectionString(names.ConnectionStringName);
        var migrateAtStart = options.MigrateAtStart ?? development;
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = SqliteConnectionString(connectionString, options, names, builder.Environment);
                var sqlite = connectionString;
                builder.Services.AddDbContextPool<TContext, TSqlite>((services, db) =>
                {
                    db.UseSqlite(sqlite);
                    configure(services, db);
                });
                jobStore = JobStore.SqliteFile.Beside(new SqliteConnectionStringBuilder(connectionString).DataSource);
                builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IIdleMemoryRelease, SqliteConnectionPools>());
                break;

            case DatabaseProvider.SqlServer:
                var sqlServer = ServerConnectionString(connectionString, options, names);
                builder.Services.AddDbContextPool<TContext, TSqlServer>((services, db) =>
                {
                    db.UseSqlServer(sqlServer, sql => sql.EnableRetryOnFailure());
                    configure(services, db);
                });
                jobStore = new JobStore.SqlServer(() => new Microsoft.Data.SqlClient.SqlConnection(sqlServer)) { PrepareSchemaAtStart = migrateAtStart };
                break;

            case DatabaseProvider.PostgreSql:
                var postgres = ServerConnectionString(connectionString, options, names);
                builder.Services.AddDbContextPool<TContext, TPostgreSql>((services, db) =>
                {
                    db.UseNpgsql(postgres, npgsql => npgsql.EnableRetryOnFailure());
                    configure(services, db);
                });
                jobStore = new JobStore.PostgreSql(postgres) { PrepareSchemaAtStart = migrateAtStart };
                break;

            default:
                throw new InvalidOperationException($"Unknown database provider {options.Provider}.");
        }

        return builder;
    }

    /// <summary>
    /// Brings the database up to date and then runs <paramref name="prepare"/> (the provider seeds its clients), all while
    /// holding a database-wide lock, so two instances starting together or two deploys racing take turns and the second
    /// finds nothing left to do. Migrations are applied with <see cref="MigrateAsync(DbContext, CancellationToken)"/>.
    /// </summary>
    public static async Task MigrateExclusivelyAsync<TContext>(this IServiceProvider services, Func<IServiceProvider, CancellationToken, Task>? prepare,
        CancellationToken cancellationToken)
        where TContext : DbContext
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var held = await DatabaseLock.HoldAsync(db, "cers-migrate", cancellationToken);
        await db.MigrateAsync(cancellationToken);
        scope.ServiceProvider.GetService<JobStore>()?.InstallSchema();
        if (prepare is not null)
        {
            await prepare(scope.ServiceProvider, cancellationToken);
        }
    }

    /// <summary>
    /// What a service does with its schema at start: <see cref="MigrateExclusivelyAsync{TContext}"/> when
    /// <c>Database:MigrateAtStart</c> (by default in Development only); otherwise it only checks that a deploy has run
    /// the <c>migrate</c> command, and refuses to start while migrations are pending.
    /// </summary>
    public static async Task PrepareDatabaseAtStartAsync<TContext>(this IServiceProvider services, Func<IServiceProvider, CancellationToken, Task>? prepare,
        CancellationToken cancellationToken)
        where TContext : DbContext
    {
        // Every setting is checked before the database is touched, so a bad configuration changes nothing and is
        // reported whole (the host would check again when it starts, after this).
        services.GetService<IStartupValidator>()?.Validate();
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.MigrateAtStart ?? services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            await services.MigrateExclusivelyAsync<TContext>(prepare, cancellationToken);
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var pending = (await scope.ServiceProvider.GetRequiredService<TContext>().Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database has {pending.Count} migration(s) not applied ({string.Join(", ", pending)}). Run the service's `migrate` command " +
                "with the deploy's configuration first, or set Database:MigrateAtStart=true.");
        }
    }

    /// <summary>
    /// Applies pending migrations (never <c>EnsureCreated</c>, so the schema can evolve in place). SQLite is
    /// switched to write-ahead logging, so readers do not wait behind the writer, and given statistics for its
    /// query planner (it keeps none until asked; without them it can serve the jobs' batch queries from the
    /// wrong index; cheap when nothing changed).
    /// </summary>
    public static async Task MigrateAsync(this DbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.Engine() == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
        }
    }

    /// <summary>
    /// Each pooled SQLite connection keeps its own page cache (up to 2 MB by default) in native memory, held while the
    /// pool keeps the connection open: after a load of facility searches the API's 16 or so pooled connections held
    /// about 20 MiB (its RSS after the load was 178 MiB with pooling off, 201 with it). An idle service closes them; the
    /// next request opens a connection again, which on SQLite is a file open.
    /// </summary>
    private sealed class SqliteConnectionPools : IIdleMemoryRelease
    {
        public void Release() => SqliteConnection.ClearAllPools();
    }

    private static string ServerConnectionString(string? configured, DatabaseOptions options, ServiceDatabase names) =>
        string.IsNullOrWhiteSpace(configured)
            ? throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                [$"Database:Provider is {options.Provider} but ConnectionStrings:{names.ConnectionStringName} is not set."])
            : configured;

    private static string SqliteConnectionString(string? configured, DatabaseOptions options, ServiceDatabase names, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, names.SqliteFileName),
            Pooling = true,
        }.ToString();
    }
}
