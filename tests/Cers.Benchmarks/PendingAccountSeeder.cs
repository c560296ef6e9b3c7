extern alias idp;

using System.Data.Common;
using System.Diagnostics;
using idp::Cers.Idp.Accounts;
using idp::Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cers.Benchmarks;

/// <summary>
/// Writes pending accounts straight into the provider's database, fast: on SQLite one connection, one transaction,
/// one prepared INSERT executed again with new values; on PostgreSQL one binary COPY (Identity's one-by-one path
/// would take hours for a million). Each row is what a registration leaves behind: every Identity column, a real
/// password hash (the same for all, made once by the app's hasher), random GUID ids as Identity makes them, and a
/// registration time spread one second apart, all older than the activation window.
/// </summary>
internal static class PendingAccountSeeder
{
    /// <summary>Rows between two checks for Ctrl+C.</summary>
    private const int CancellationCheckInterval = 10_000;

    public static async Task<TimeSpan> SeedAsync(IServiceProvider services, int count, DateTime registeredBefore,
        CancellationToken cancellationToken)
    {
        string connectionString;
        string passwordHash;
        bool postgreSql;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            connectionString = db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The provider's database has no connection string.");
            postgreSql = db.Database.IsNpgsql();
            passwordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<CersUser>>()
                .HashPassword(new CersUser(), RegistrationScenario.Password);
        }

        var rows = Rows(count, registeredBefore, passwordHash, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        if (postgreSql)
        {
            await SeedPostgreSqlAsync(connectionString, rows, cancellationToken);
        }
        else
        {
            await SeedSqliteAsync(connectionString, rows, cancellationToken);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The rows' values, in the order of <see cref="ColumnNames"/>; the array is reused from row to row.</summary>
    private static IEnumerable<object[]> Rows(int count, DateTime registeredBefore, string passwordHash, CancellationToken cancellationToken)
    {
        var values = new object[ColumnNames.Length];
        void Set(string column, object value) => values[Array.IndexOf(ColumnNames, column)] = value;

        // Constant for every row.
        Set("EmailConfirmed", false);
        Set("PasswordHash", passwordHash);
        Set("PhoneNumber", "(916) 555-0100");
        Set("PhoneNumberConfirmed", false);
        Set("TwoFactorEnabled", false);
        Set("LockoutEnd", DBNull.Value);
        Set("LockoutEnabled", true);
        Set("AccessFailedCount", 0);
        Set("FirstName", "Pending");
        Set("LastName", "Registrant");
        Set("Title", DBNull.Value);
        Set("ProtectionPhrase", "heron over the bay");
        Set("Status", nameof(AccountStatus.PendingActivation));
        Set("ActivatedAt", DBNull.Value);
        Set("ActivationTokenHash", new string('a', 64)); // the length of a SHA-256 in hex
        Set("RemindersSent", 2); // both reminders went out before the window closed

        for (var i = 0; i < count; i++)
        {
            if (i % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var userName = $"pending{i}";
            var email = $"{userName}@example.com";
            var registeredAt = DateTime.SpecifyKind(registeredBefore - TimeSpan.FromSeconds(i), DateTimeKind.Utc);
            Set("Id", Guid.NewGuid().ToString());
            Set("UserName", userName);
            Set("NormalizedUserName", userName.ToUpperInvariant());
            Set("Email", email);
            Set("NormalizedEmail", email.ToUpperInvariant());
            Set("SecurityStamp", Guid.NewGuid().ToString("N"));
            Set("ConcurrencyStamp", Guid.NewGuid().ToString());
            Set("RegisteredAt", registeredAt);
            Set("ActivationSentAt", registeredAt);
            yield return values;
        }
    }

    private static async Task SeedSqliteAsync(string connectionString, IEnumerable<object[]> rows, CancellationToken cancellationToken)
    {
        // Not from the pool: a pooled connection would keep this one's large page cache after the seeding and
        // could then serve the job, which would measure a cache the app never configures.
        var unpooled = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        await using var connection = new SqliteConnection(unpooled);
        await connection.OpenAsync(cancellationToken);

        // A large page cache for this connection only: random GUID keys touch pages all over the indexes.
        await ExecuteAsync(connection, "PRAGMA cache_size = -262144;", cancellationToken);

        await CheckColumnsAsync(connection,
            "SELECT name FROM pragma_table_info('AspNetUsers') WHERE \"notnull\" = 1 AND dflt_value IS NULL", cancellationToken);

        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var parameters = ColumnNames.Select(column => insert.Parameters.Add(new SqliteParameter("$" + column, null))).ToArray();
            insert.CommandText =
                $"INSERT INTO AspNetUsers ({string.Join(", ", ColumnNames)}) VALUES ({string.Join(", ", ColumnNames.Select(c => "$" + c))})";
            insert.Prepare();

            foreach (var row in rows)
            {
                for (var c = 0; c < row.Length; c++)
                {
                    parameters[c].Value = row[c];
                }

                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // Leave no write-ahead log behind: the job starts from a checkpointed file, as a long-running database would be.
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
    }

    private static async Task SeedPostgreSqlAsync(string connectionString, IEnumerable<object[]> rows, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await CheckColumnsAsync(connection, """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'AspNetUsers' AND is_nullable = 'NO' AND column_default IS NULL
            """, cancellationToken);

        var columns = string.Join(", ", ColumnNames.Select(c => $"\"{c}\""));
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY \"AspNetUsers\" ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in rows)
            {
                await copy.WriteRowAsync(cancellationToken, row);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        // Statistics for the new rows now rather than whenever autovacuum comes by, as after any bulk load.
        await using var analyze = new NpgsqlCommand("ANALYZE \"AspNetUsers\"", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every column this seeder writes, as in the InitialCreate and AccountLifecycle migrations.</summary>
    private static readonly string[] ColumnNames =
    [
        "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
        "SecurityStamp", "ConcurrencyStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd",
        "LockoutEnabled", "AccessFailedCount", "FirstName", "LastName", "Title", "ProtectionPhrase", "Status",
        "RegisteredAt", "ActivatedAt", "ActivationSentAt", "ActivationTokenHash", "RemindersSent",
    ];

    /// <summary>
    /// The table's NOT NULL columns without a default (<paramref name="query"/> names them): a later migration adding one
    /// makes the seeder fail loudly.
    /// </summary>
    private static async Task CheckColumnsAsync(DbConnection connection, string query, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        var required = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                required.Add(reader.GetString(0));
            }
        }

        var missing = required.Except(ColumnNames, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"AspNetUsers has required columns the seeder does not fill: {string.Join(", ", missing)}. Add them to {nameof(PendingAccountSeeder)}.");
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
