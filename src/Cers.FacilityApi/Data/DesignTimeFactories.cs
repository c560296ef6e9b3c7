using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Data;

public sealed class SqliteFacilityDbContextFactory : SqliteDesignTimeFactory<SqliteFacilityDbContext>
{
    protected override SqliteFacilityDbContext Create(DbContextOptions<SqliteFacilityDbContext> options) => new(options);
}

public sealed class SqlServerFacilityDbContextFactory() : SqlServerDesignTimeFactory<SqlServerFacilityDbContext>("CersFacility")
{
    protected override SqlServerFacilityDbContext Create(DbContextOptions<SqlServerFacilityDbContext> options) => new(options);
}

public sealed class PostgreSqlFacilityDbContextFactory() : PostgreSqlDesignTimeFactory<PostgreSqlFacilityDbContext>("cers_facility")
{
    protected override PostgreSqlFacilityDbContext Create(DbContextOptions<PostgreSqlFacilityDbContext> options) => new(options);
}
