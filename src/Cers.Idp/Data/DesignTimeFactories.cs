using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cers.Idp.Data;

// `dotnet ef migrations add` builds each provider's context through these, so migrations for
// both engines are generated from the same model without a database being reachable.

public sealed class SqliteIdpDbContextFactory : IDesignTimeDbContextFactory<SqliteIdpDbContext>
{
    public SqliteIdpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIdpDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .UseOpenIddict()
            .Options);
}

public sealed class SqlServerIdpDbContextFactory : IDesignTimeDbContextFactory<SqlServerIdpDbContext>
{
    public SqlServerIdpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerIdpDbContext>()
            .UseSqlServer("Server=(design-time);Database=CersIdp;Trusted_Connection=True")
            .UseOpenIddict()
            .Options);
}
