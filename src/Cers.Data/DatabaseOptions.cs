using System.ComponentModel.DataAnnotations;

namespace Cers.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

/// <summary>The <c>Database</c> section of a service: which engine holds its data.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Folder for the SQLite file when no connection string is configured; relative paths are
    /// under the service's content root.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>
    /// Whether the service applies migrations (and seeds its clients) when it starts. By default only in Development;
    /// elsewhere a deploy runs the service's <c>migrate</c> command once, so the runtime's database account needs no
    /// schema rights and instances never race to change the schema. A service that is not to migrate refuses to start
    /// while migrations are pending.
    /// </summary>
    public bool? MigrateAtStart { get; set; }
}

/// <summary>
/// How one service names its database: the entry under <c>ConnectionStrings</c>, and the SQLite file in
/// <see cref="DatabaseOptions.DataDirectory"/> when none is configured.
/// </summary>
public sealed record ServiceDatabase(string ConnectionStringName, string SqliteFileName);
