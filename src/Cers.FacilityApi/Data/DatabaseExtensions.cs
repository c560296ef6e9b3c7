using Cers.Email.Outbox;
using Cers.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.Data;

/// <summary>
/// The one place that knows which database engines exist. Adding PostgreSQL later means a new
/// <see cref="DatabaseProvider"/> value, a subclass of <see cref="FacilityDbContext"/> and its migrations.
/// </summary>
public static class DatabaseExtensions
{
    /// <summary>The database and, on the same engine, the Hangfire storage (see <see cref="JobStore"/>).</summary>
    public static IHostApplicationBuilder AddFacilityDatabase(this IHostApplicationBuilder builder, out JobStore jobStore)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!Enum.IsDefined(options.Provider))
        {
            throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                [$"Database:Provider must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}."]);
        }

        var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = SqliteConnectionString(connectionString, options, builder.Environment);
                builder.Services.AddDbContextPool<FacilityDbContext, SqliteFacilityDbContext>((services, db) => db
                    .UseSqlite(connectionString)
                    .AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<FacilityDbContext>>()));
                jobStore = JobStore.SqliteFile.Beside(new SqliteConnectionStringBuilder(connectionString).DataSource);
                break;

            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        [$"Database:Provider is SqlServer but ConnectionStrings:{DatabaseOptions.ConnectionStringName} is not set."]);
                }

                builder.Services.AddDbContextPool<FacilityDbContext, SqlServerFacilityDbContext>((services, db) => db
                    .UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure())
                    .AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<FacilityDbContext>>()));
                var sqlServer = connectionString;
                jobStore = new JobStore.SqlServer(() => new Microsoft.Data.SqlClient.SqlConnection(sqlServer));
                break;

            default:
                throw new InvalidOperationException($"Unknown database provider {options.Provider}.");
        }

        return builder;
    }

    private static string SqliteConnectionString(string? configured, DatabaseOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DatabaseOptions.SqliteFileName),
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// Applies pending migrations (never <c>EnsureCreated</c>, so the schema can evolve in place).
    /// SQLite is switched to write-ahead logging so readers do not wait behind the writer.
    /// </summary>
    public static async Task MigrateFacilityDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// Runs a bulk load the way the engine takes one best. SQLite: a page cache large enough for the
    /// index pages the load touches (with the default 2 MB a million facilities spill index pages back
    /// and forth and load in 35 s instead of about 20), restored after since pooled connections are
    /// reused; then <c>ANALYZE</c>, because without statistics SQLite chooses among the facility
    /// indexes by their shape alone and reads (number, business) where (number, ZIP) narrows far more.
    /// The write-ahead log is truncated after. SQL Server keeps its statistics itself.
    /// </summary>
    public static async Task<T> BulkLoadAsync<T>(this FacilityDbContext db, Func<Task<T>> load, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return await load();
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144;", cancellationToken);
            var result = await load();
            await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit = 1000; ANALYZE;", cancellationToken);

            // The load went through the write-ahead log; fold it into the database and give its space back
            // (otherwise the -wal file stays as large as the data it carried, about 270 MB for a million).
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            return result;
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -2000;", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Migrates the database behind <paramref name="db"/>; see <see cref="MigrateFacilityDatabaseAsync"/>.</summary>
    public static async Task MigrateAsync(this FacilityDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
