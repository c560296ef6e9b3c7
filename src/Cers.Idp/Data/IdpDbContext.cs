using Cers.Idp.Accounts;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

/// <summary>
/// The provider's database: Identity accounts, OpenIddict applications/authorizations/scopes/tokens
/// and the shared Data Protection key ring. One subclass per database provider carries that
/// provider's migrations (<see cref="SqliteIdpDbContext"/>, <see cref="SqlServerIdpDbContext"/>);
/// everything else depends on this base type only.
/// </summary>
public abstract class IdpDbContext(DbContextOptions options)
    : IdentityDbContext<CersUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        builder.Entity<CersUser>(user =>
        {
            user.Property(u => u.FirstName).HasMaxLength(100);
            user.Property(u => u.LastName).HasMaxLength(100);
        });
    }
}

public sealed class SqliteIdpDbContext(DbContextOptions<SqliteIdpDbContext> options) : IdpDbContext(options);

public sealed class SqlServerIdpDbContext(DbContextOptions<SqlServerIdpDbContext> options) : IdpDbContext(options);
