using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Cers.Data;

/// <summary>
/// Which engine a context runs on, told by the name of its EF Core provider. The providers' own <c>IsNpgsql()</c>,
/// <c>IsSqlServer()</c> and <c>IsSqlite()</c> live in those providers' assemblies: calling them loads the assembly (and
/// its types) into a service that runs on another engine, memory held for nothing. The names are the providers'
/// assembly names, which is what those methods compare (a test pins them).
/// </summary>
public static class DatabaseEngine
{
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";
    public const string SqlServerProviderName = "Microsoft.EntityFrameworkCore.SqlServer";
    public const string PostgreSqlProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static DatabaseProvider Engine(this DatabaseFacade database) => database.ProviderName switch
    {
        SqliteProviderName => DatabaseProvider.Sqlite,
        SqlServerProviderName => DatabaseProvider.SqlServer,
        PostgreSqlProviderName => DatabaseProvider.PostgreSql,
        var other => throw new InvalidOperationException($"The EF Core provider {other} is not one of CERS's database engines."),
    };
}
