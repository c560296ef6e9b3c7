using Cers.Email.Outbox;
using Cers.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Data;

/// <summary>
/// The one place that knows which database engines exist. Adding PostgreSQL later means a new
/// <see cref="DatabaseProvider"/> value, a subclass of <see cref="IdpDbContext"/> and its migrations.
/// </summary>
public static class DatabaseExtensions
{
    /// <summary>The database and, on the same engine, the Hangfire storage (see <see cref="JobStore"/>).</summary>
    public static IHostApplicationBuilder AddIdpDatabase(this IHostApplicationBuilder builder, out JobStore jobStore)
    {
        var section = builder.Configuration.GetSection(DatabaseOptions.SectionName);
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = section.Get<DatabaseOptions>() ?? new DatabaseOptions();
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
                builder.Services.AddDbContextPool<IdpDbContext, SqliteIdpDbContext>((services, db) => db
                    .UseSqlite(connectionString)
                    .UseOpenIddict()
                    .AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<IdpDbContext>>()));
                jobStore = JobStore.SqliteFile.Beside(new SqliteConnectionStringBuilder(connectionString).DataSource);
                break;

            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        [$"Database:Provider is SqlServer but ConnectionStrings:{DatabaseOptions.ConnectionStringName} is not set."]);
                }

                builder.Services.AddDbContextPool<IdpDbContext, SqlServerIdpDbContext>((services, db) => db
                    .UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure())
                    .UseOpenIddict()
                    .AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<IdpDbContext>>()));
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
            DataSource = Path.Combine(directory, "cers-idp.db"),
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// Applies pending migrations (never <c>EnsureCreated</c>, so the schema can evolve in place).
    /// SQLite is switched to write-ahead logging so readers do not wait behind the writer.
    /// </summary>
    public static async Task MigrateIdpDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);

            // Statistics for the query planner (SQLite keeps none until asked); without them it can serve
            // the jobs' batch queries from the wrong index. Cheap when nothing changed.
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
        }
    }
}
