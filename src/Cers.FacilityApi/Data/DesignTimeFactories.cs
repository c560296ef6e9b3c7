using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cers.FacilityApi.Data;

// `dotnet ef migrations add` builds each provider's context through these, so migrations for
// both engines are generated from the same model without a database being reachable.

public sealed class SqliteFacilityDbContextFactory : IDesignTimeDbContextFactory<SqliteFacilityDbContext>
{
    public SqliteFacilityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFacilityDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .Options);
}

public sealed class SqlServerFacilityDbContextFactory : IDesignTimeDbContextFactory<SqlServerFacilityDbContext>
{
    public SqlServerFacilityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerFacilityDbContext>()
            .UseSqlServer("Server=(design-time);Database=CersFacility;Trusted_Connection=True")
            .Options);
}
