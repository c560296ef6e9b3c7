using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>The <c>Database</c> section: which engine holds the provider's data.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>The name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "IdpDb";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Folder for the SQLite file when no connection string is configured; relative paths are
    /// under the service's content root.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "App_Data";
}
