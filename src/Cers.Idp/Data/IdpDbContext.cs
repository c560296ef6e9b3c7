using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Announcements;
using Cers.Idp.Audit;
using Cers.Idp.Sessions;
using Cers.Idp.Sessions.Logout;
using Cers.Idp.Keys;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

/// <summary>
/// The provider's database: Identity accounts, OpenIddict applications/authorizations/scopes/tokens
/// the shared Data Protection key ring, the audit log,
/// CERS Central's announcements, the email outbox, the sessions and the back-channel logouts they owe, and the automatic signing keys. One subclass per database provider carries that
/// provider's migrations (<see cref="SqliteIdpDbContext"/>, <see cref="SqlServerIdpDbContext"/>, <see cref="PostgreSqlIdpDbContext"/>);
/// everything else depends on this base type only.
/// </summary>
public abstract class IdpDbContext(DbContextOptions options)
    : IdentityDbContext<CersUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Announcement> Announcements => Set<Announcement>();

    public DbSet<OutboxEmail> EmailOutbox => Set<OutboxEmail>();

    public DbSet<ProviderSession> ProviderSessions => Set<ProviderSession>();

    public DbSet<SessionAuthorization> SessionAuthorizations => Set<SessionAuthorization>();

    public DbSet<LogoutNotification> LogoutNotifications => Set<LogoutNotification>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        builder.Entity<CersUser>(user =>
        {
            user.Property(u => u.FirstName).HasMaxLength(100);
            user.Property(u => u.LastName).HasMaxLength(100);
            user.Property(u => u.Title).HasMaxLength(100);
            user.Property(u => u.PhoneNumber).HasMaxLength(30);
            user.Property(u => u.ProtectionPhrase).HasMaxLength(60);
            user.Property(u => u.Status).HasConversion<string>().HasMaxLength(20);
            user.Property(u => u.ActivationTokenHash).HasMaxLength(64);
            user.Property(u => u.PendingEmail).HasMaxLength(256);
            user.Property(u => u.EmailChangeTokenHash).HasMaxLength(64);

            // One account per email address (DESIGN.md): Identity's own index on it is not unique, and
            // registration inserts directly, so the database is what stops two at once.
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();

            // The reminder and expiry jobs walk pending accounts by registration time.
            user.HasIndex(u => new { u.Status, u.RegisteredAt });
        });

        builder.Entity<AuditEvent>(audit =>
        {
            audit.Property(a => a.Kind).HasMaxLength(50);
            audit.Property(a => a.SubjectId).HasMaxLength(450);
            audit.Property(a => a.UserName).HasMaxLength(256);
            audit.Property(a => a.IpAddress).HasMaxLength(45);
            audit.Property(a => a.Detail).HasMaxLength(500);
            audit.HasIndex(a => a.OccurredAt);
            audit.HasIndex(a => a.SubjectId);
        });

        builder.Entity<Announcement>(announcement =>
        {
            announcement.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            announcement.Property(a => a.Title).HasMaxLength(120);
            announcement.Property(a => a.Text).HasMaxLength(2000);
            announcement.HasIndex(a => new { a.StartsAt, a.EndsAt });
        });

        builder.Entity<ProviderSession>(session =>
        {
            session.ToTable("Sessions");
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.UserId).HasMaxLength(450);
            session.Property(s => s.IpAddress).HasMaxLength(45);
            session.Property(s => s.Browser).HasMaxLength(100);
            session.HasOne<CersUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);

            // My Account lists an account's sessions; the clean-up job walks them by age.
            session.HasIndex(s => s.UserId);
            session.HasIndex(s => s.LastSeenAt);
            session.HasIndex(s => s.ExpiresAt);
        });

        builder.Entity<SessionAuthorization>(link =>
        {
            link.ToTable("SessionAuthorizations");
            link.HasKey(a => new { a.SessionId, a.AuthorizationId });
            link.Property(a => a.SessionId).HasMaxLength(64);
            link.Property(a => a.AuthorizationId).HasMaxLength(100);
            link.Property(a => a.ClientId).HasMaxLength(100);
            link.HasOne(a => a.Session).WithMany(s => s.Authorizations).HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LogoutNotification>(logout =>
        {
            logout.ToTable("BackChannelLogouts");
            logout.Property(n => n.ClientId).HasMaxLength(100);
            logout.Property(n => n.UserId).HasMaxLength(450);
            logout.Property(n => n.SessionId).HasMaxLength(64);
            logout.Property(n => n.LastError).HasMaxLength(500);

            // The delivery job's query: not delivered, not given up, due.
            logout.HasIndex(n => new { n.DeliveredAt, n.AbandonedAt, n.NextAttemptAt });
        });

        builder.Entity<SigningKey>(key =>
        {
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(10);
        });

        builder.MapEmailOutbox();
    }
}

public sealed class SqliteIdpDbContext(DbContextOptions<SqliteIdpDbContext> options) : IdpDbContext(options);

public sealed class SqlServerIdpDbContext(DbContextOptions<SqlServerIdpDbContext> options) : IdpDbContext(options);

public sealed class PostgreSqlIdpDbContext(DbContextOptions<PostgreSqlIdpDbContext> options) : IdpDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => PostgreSqlConventions.Apply(configurationBuilder);
}
