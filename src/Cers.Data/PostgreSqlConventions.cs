using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cers.Data;

/// <summary>What every PostgreSQL context of the services shares in its model.</summary>
public static class PostgreSqlConventions
{
    /// <summary>
    /// The byte-order collation: text compares by code point, as SQLite's default and SQL Server's BIN2 collations do,
    /// so a prefix searched as a range [prefix, next) finds exactly the strings that start with it.
    /// </summary>
    public const string ByteOrderCollation = "C";

    /// <summary>
    /// Every <see cref="DateTime"/> is UTC in both services, and PostgreSQL keeps it as <c>timestamp with time zone</c>.
    /// Npgsql refuses to write a value whose kind is not UTC there (a value read back from SQLite, or built from
    /// parts, is "unspecified"), so values are marked UTC on the way in and come back marked UTC.
    /// </summary>
    public static void Apply(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
