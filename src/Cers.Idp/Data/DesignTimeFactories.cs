using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

public sealed class SqliteIdpDbContextFactory : SqliteDesignTimeFactory<SqliteIdpDbContext>
{
    protected override DbContextOptionsBuilder<SqliteIdpDbContext> Configure(DbContextOptionsBuilder<SqliteIdpDbContext> options) =>
        options.UseOpenIddict().UseApplicationServiceProvider(DesignTimeIdentity.Services);

    protected override SqliteIdpDbContext Create(DbContextOptions<SqliteIdpDbContext> options) => new(options);
}

public sealed class SqlServerIdpDbContextFactory() : SqlServerDesignTimeFactory<SqlServerIdpDbContext>("CersIdp")
{
    protected override DbContextOptionsBuilder<SqlServerIdpDbContext> Configure(DbContextOptionsBuilder<SqlServerIdpDbContext> options) =>
        options.UseOpenIddict().UseApplicationServiceProvider(DesignTimeIdentity.Services);

    protected override SqlServerIdpDbContext Create(DbContextOptions<SqlServerIdpDbContext> options) => new(options);
}

public sealed class PostgreSqlIdpDbContextFactory() : PostgreSqlDesignTimeFactory<PostgreSqlIdpDbContext>("cers_idp")
{
    protected override DbContextOptionsBuilder<PostgreSqlIdpDbContext> Configure(DbContextOptionsBuilder<PostgreSqlIdpDbContext> options) =>
        options.UseOpenIddict().UseApplicationServiceProvider(DesignTimeIdentity.Services);

    protected override PostgreSqlIdpDbContext Create(DbContextOptions<PostgreSqlIdpDbContext> options) => new(options);
}

/// <summary>
/// The one application service Identity's context consults while building its model: the Identity options with the
/// schema version (<see cref="AccountsExtensions.IdentitySchemaVersion"/>), as the running provider has them.
/// </summary>
internal static class DesignTimeIdentity
{
    public static IServiceProvider Services { get; } = new ServiceCollection()
        .Configure<IdentityOptions>(identity => identity.Stores.SchemaVersion = AccountsExtensions.IdentitySchemaVersion)
        .BuildServiceProvider();
}
