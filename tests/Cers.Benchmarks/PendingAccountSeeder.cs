extern alias idp;

using System.Diagnostics;
using idp::Cers.Idp.Accounts;
using idp::Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// Writes pending accounts straight into the provider's SQLite file, fast: one connection, one
/// transaction, one prepared INSERT executed again with new values (Identity's one-by-one path would take
/// hours for a million). Each row is what a registration leaves behind: every Identity column, a real
/// password hash (the same for all, made once by the app's hasher), random GUID ids as Identity makes
/// them, and a registration time spread one second apart, all older than the activation window.
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
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            connectionString = db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The provider's database has no connection string.");
            passwordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<CersUser>>()
                .HashPassword(new CersUser(), RegistrationScenario.Password);
        }

        // Not from the pool: a pooled connection would keep this one's large page cache after the seeding and
        // could then serve the job, which would measure a cache the app never configures.
        var unpooled = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        var started = Stopwatch.GetTimestamp();
        await using var connection = new SqliteConnection(unpooled);
        await connection.OpenAsync(cancellationToken);

        // A large page cache for this connection only: random GUID keys touch pages all over the indexes.
        await ExecuteAsync(connection, "PRAGMA cache_size = -262144;", cancellationToken);

        var missing = (await RequiredColumnsAsync(connection, cancellationToken)).Except(ColumnNames, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"AspNetUsers has required columns the seeder does not fill: {string.Join(", ", missing)}. Add them to {nameof(PendingAccountSeeder)}.");
        }

        var values = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            foreach (var column in ColumnNames)
            {
                values[column] = insert.Parameters.Add(new SqliteParameter("$" + column, null));
            }

            insert.CommandText =
                $"INSERT INTO AspNetUsers ({string.Join(", ", ColumnNames)}) VALUES ({string.Join(", ", ColumnNames.Select(c => "$" + c))})";
            insert.Prepare();

            // Constant for every row.
            values["EmailConfirmed"].Value = false;
            values["PasswordHash"].Value = passwordHash;
            values["PhoneNumber"].Value = "(916) 555-0100";
            values["PhoneNumberConfirmed"].Value = false;
            values["TwoFactorEnabled"].Value = false;
            values["LockoutEnd"].Value = DBNull.Value;
            values["LockoutEnabled"].Value = true;
            values["AccessFailedCount"].Value = 0;
            values["FirstName"].Value = "Pending";
            values["LastName"].Value = "Registrant";
            values["Title"].Value = DBNull.Value;
            values["ProtectionPhrase"].Value = "heron over the bay";
            values["Status"].Value = nameof(AccountStatus.PendingActivation);
            values["ActivatedAt"].Value = DBNull.Value;
            values["ActivationTokenHash"].Value = new string('a', 64); // the length of a SHA-256 in hex
            values["RemindersSent"].Value = 2; // both reminders went out before the window closed

            for (var i = 0; i < count; i++)
            {
                if (i % CancellationCheckInterval == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var userName = $"pending{i}";
                var email = $"{userName}@example.com";
                var registeredAt = registeredBefore - TimeSpan.FromSeconds(i);
                values["Id"].Value = Guid.NewGuid().ToString();
                values["UserName"].Value = userName;
                values["NormalizedUserName"].Value = userName.ToUpperInvariant();
                values["Email"].Value = email;
                values["NormalizedEmail"].Value = email.ToUpperInvariant();
                values["SecurityStamp"].Value = Guid.NewGuid().ToString("N");
                values["ConcurrencyStamp"].Value = Guid.NewGuid().ToString();
                values["RegisteredAt"].Value = registeredAt;
                values["ActivationSentAt"].Value = registeredAt;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // Leave no write-ahead log behind: the job starts from a checkpointed file, as a long-running database would be.
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Every column this seeder writes, as in the InitialCreate and AccountLifecycle migrations.</summary>
    private static readonly string[] ColumnNames =
    [
        "Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
        "SecurityStamp", "ConcurrencyStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnd",
        "LockoutEnabled", "AccessFailedCount", "FirstName", "LastName", "Title", "ProtectionPhrase", "Status",
        "RegisteredAt", "ActivatedAt", "ActivationSentAt", "ActivationTokenHash", "RemindersSent",
    ];

    /// <summary>The table's NOT NULL columns without a default: a later migration adding one makes the seeder fail loudly.</summary>
    private static async Task<List<string>> RequiredColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('AspNetUsers') WHERE \"notnull\" = 1 AND dflt_value IS NULL";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
