using System.ComponentModel.DataAnnotations;

namespace Cers.FacilityApi.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>The <c>Database</c> section: which engine holds the facility API's data.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>The name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "FacilityDb";

    /// <summary>The SQLite file's name in <see cref="DataDirectory"/> when no connection string is configured.</summary>
    public const string SqliteFileName = "cers-facility.db";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Folder for the SQLite file when no connection string is configured; relative paths are
    /// under the service's content root.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "App_Data";
}
