using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

public sealed class SqliteIdpDbContextFactory : SqliteDesignTimeFactory<SqliteIdpDbContext>
{
    protected override DbContextOptionsBuilder<SqliteIdpDbContext> Configure(DbContextOptionsBuilder<SqliteIdpDbContext> options) =>
        options.UseOpenIddict();

    protected override SqliteIdpDbContext Create(DbContextOptions<SqliteIdpDbContext> options) => new(options);
}

public sealed class SqlServerIdpDbContextFactory() : SqlServerDesignTimeFactory<SqlServerIdpDbContext>("CersIdp")
{
    protected override DbContextOptionsBuilder<SqlServerIdpDbContext> Configure(DbContextOptionsBuilder<SqlServerIdpDbContext> options) =>
        options.UseOpenIddict();

    protected override SqlServerIdpDbContext Create(DbContextOptions<SqlServerIdpDbContext> options) => new(options);
}

public sealed class PostgreSqlIdpDbContextFactory() : PostgreSqlDesignTimeFactory<PostgreSqlIdpDbContext>("cers_idp")
{
    protected override DbContextOptionsBuilder<PostgreSqlIdpDbContext> Configure(DbContextOptionsBuilder<PostgreSqlIdpDbContext> options) =>
        options.UseOpenIddict();

    protected override PostgreSqlIdpDbContext Create(DbContextOptions<PostgreSqlIdpDbContext> options) => new(options);
}
