using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cers.Data;

// `dotnet ef migrations add` builds each engine's context through a factory of these kinds (declared in the
// service, beside its contexts, where the tools look), so migrations for every engine are generated from the
// same model without a database being reachable.

/// <summary>Design-time options for a service's SQLite context.</summary>
public abstract class SqliteDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        Create(Configure(new DbContextOptionsBuilder<TContext>().UseSqlite("Data Source=design-time.db")).Options);

    /// <summary>What the service adds to its options at design time too (OpenIddict's entities, say).</summary>
    protected virtual DbContextOptionsBuilder<TContext> Configure(DbContextOptionsBuilder<TContext> options) => options;

    protected abstract TContext Create(DbContextOptions<TContext> options);
}

/// <summary>Design-time options for a service's SQL Server context; no server is contacted.</summary>
public abstract class SqlServerDesignTimeFactory<TContext>(string databaseName) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        Create(Configure(new DbContextOptionsBuilder<TContext>()
            .UseSqlServer($"Server=(design-time);Database={databaseName};Trusted_Connection=True")).Options);

    protected virtual DbContextOptionsBuilder<TContext> Configure(DbContextOptionsBuilder<TContext> options) => options;

    protected abstract TContext Create(DbContextOptions<TContext> options);
}

/// <summary>Design-time options for a service's PostgreSQL context; no server is contacted.</summary>
public abstract class PostgreSqlDesignTimeFactory<TContext>(string databaseName) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        Create(Configure(new DbContextOptionsBuilder<TContext>()
            .UseNpgsql($"Host=design-time;Database={databaseName}")).Options);

    protected virtual DbContextOptionsBuilder<TContext> Configure(DbContextOptionsBuilder<TContext> options) => options;

    protected abstract TContext Create(DbContextOptions<TContext> options);
}
