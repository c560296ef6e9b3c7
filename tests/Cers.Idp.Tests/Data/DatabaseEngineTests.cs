using Cers.Data;
using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Tests.Data;

/// <summary>
/// <see cref="DatabaseEngine.Engine"/> tells the engine by its provider's name, so a service need not load the other
/// engines' assemblies to ask; it must agree with the providers' own checks, or a lock or a bulk path would take the
/// wrong engine's SQL.
/// </summary>
public sealed class DatabaseEngineTests
{
    [Fact]
    public void Each_engine_is_told_by_its_provider_name_as_the_providers_own_checks_tell_it()
    {
        using (var sqlite = new SqliteIdpDbContextFactory().CreateDbContext([]))
        {
            sqlite.Database.IsSqlite().ShouldBeTrue();
            sqlite.Database.Engine().ShouldBe(DatabaseProvider.Sqlite);
        }

        using (var sqlServer = new SqlServerIdpDbContextFactory().CreateDbContext([]))
        {
            sqlServer.Database.IsSqlServer().ShouldBeTrue();
            sqlServer.Database.Engine().ShouldBe(DatabaseProvider.SqlServer);
        }

        using var postgres = new PostgreSqlIdpDbContextFactory().CreateDbContext([]);
        postgres.Database.IsNpgsql().ShouldBeTrue();
        postgres.Database.Engine().ShouldBe(DatabaseProvider.PostgreSql);
    }
}
