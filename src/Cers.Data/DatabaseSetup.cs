using Cers.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

        var connectionString = builder.Configuration.GetConnectionString(names.ConnectionStringName);
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
                break;

            case DatabaseProvider.SqlServer:
                var sqlServer = ServerConnectionString(connectionString, options, names);
                builder.Services.AddDbContextPool<TContext, TSqlServer>((services, db) =>
                {
                    db.UseSqlServer(sqlServer, sql => sql.EnableRetryOnFailure());
                    configure(services, db);
                });
                jobStore = new JobStore.SqlServer(() => new Microsoft.Data.SqlClient.SqlConnection(sqlServer));
                break;

            case DatabaseProvider.PostgreSql:
                var postgres = ServerConnectionString(connectionString, options, names);
                builder.Services.AddDbContextPool<TContext, TPostgreSql>((services, db) =>
                {
                    db.UseNpgsql(postgres, npgsql => npgsql.EnableRetryOnFailure());
                    configure(services, db);
                });
                jobStore = new JobStore.PostgreSql(postgres);
                break;

            default:
                throw new InvalidOperationException($"Unknown database provider {options.Provider}.");
        }

        return builder;
    }

    /// <summary>
    /// Applies pending migrations (never <c>EnsureCreated</c>, so the schema can evolve in place). SQLite is
    /// switched to write-ahead logging, so readers do not wait behind the writer, and given statistics for its
    /// query planner (it keeps none until asked; without them it can serve the jobs' batch queries from the
    /// wrong index; cheap when nothing changed).
    /// </summary>
    public static async Task MigrateAsync<TContext>(this IServiceProvider services, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TContext>().MigrateAsync(cancellationToken);
    }

    /// <summary>Migrates the database behind <paramref name="db"/>; see <see cref="MigrateAsync{TContext}(IServiceProvider, CancellationToken)"/>.</summary>
    public static async Task MigrateAsync(this DbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
        }
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
