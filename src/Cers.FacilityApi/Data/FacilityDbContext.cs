using Cers.FacilityApi.Invitations;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Cers.Email.Outbox;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Transfers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cers.FacilityApi.Data;

/// <summary>
/// The facility API's database: regulator agencies and their jurisdictions, businesses, facilities,
/// memberships, access requests with their history, the audit log, the email outbox and the
/// identifier counters. One subclass per database provider carries that provider's migrations
/// (<see cref="SqliteFacilityDbContext"/>, <see cref="SqlServerFacilityDbContext"/>,
/// <see cref="PostgreSqlFacilityDbContext"/>); everything
/// else depends on this base type only.
/// </summary>
public abstract class FacilityDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Longest street line, name and city kept; the API refuses longer input before it gets here.</summary>
    public const int StreetMaxLength = 200;
    public const int NameMaxLength = 200;
    public const int CityMaxLength = 100;
    public const int CountyMaxLength = 50;
    public const int SubjectMaxLength = 200;

    public DbSet<RegulatorAgency> Agencies => Set<RegulatorAgency>();

    public DbSet<AgencyJurisdiction> AgencyJurisdictions => Set<AgencyJurisdiction>();

    public DbSet<Business> Businesses => Set<Business>();

    public DbSet<Facility> Facilities => Set<Facility>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<AccessRequest> AccessRequests => Set<AccessRequest>();

    public DbSet<AccessRequestEvent> AccessRequestEvents => Set<AccessRequestEvent>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<BusinessInvitation> Invitations => Set<BusinessInvitation>();

    public DbSet<FacilityTransfer> Transfers => Set<FacilityTransfer>();

    public DbSet<KeyCounter> KeyCounters => Set<KeyCounter>();

    public DbSet<OutboxEmail> EmailOutbox => Set<OutboxEmail>();

    /// <summary>The ASP.NET Data Protection keys of the jobs dashboard's sign-in cookies, shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The engine's quoting of a column name inside an index filter.</summary>
    protected abstract string Delimit(string identifier);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegulatorAgency>(agency =>
        {
            agency.ToTable("Agencies");
            agency.Property(a => a.Code).HasMaxLength(20);
            agency.HasIndex(a => a.Code).IsUnique();
            agency.Property(a => a.Name).HasMaxLength(NameMaxLength);
            agency.Property(a => a.Kind).HasConversion<string>().HasMaxLength(30);
            agency.Property(a => a.County).HasMaxLength(CountyMaxLength);
            agency.Property(a => a.ContactEmail).HasMaxLength(256);
            agency.Property(a => a.ContactPhone).HasMaxLength(30);
        });

        modelBuilder.Entity<AgencyJurisdiction>(jurisdiction =>
        {
            jurisdiction.Property(j => j.County).HasMaxLength(CountyMaxLength);
            jurisdiction.Property(j => j.City).HasMaxLength(CityMaxLength);
            jurisdiction.Property(j => j.CityKey).HasMaxLength(CityMaxLength);
            jurisdiction.HasOne(j => j.Agency).WithMany(a => a.Jurisdictions).HasForeignKey(j => j.AgencyId).OnDelete(DeleteBehavior.Cascade);

            // One agency per city and one for the rest of each county: resolution is never ambiguous.
            jurisdiction.HasIndex(j => new { j.County, j.CityKey }).IsUnique()
                .HasDatabaseName("IX_AgencyJurisdictions_County_CityKey")
                .HasFilter($"{Delimit(nameof(AgencyJurisdiction.CityKey))} IS NOT NULL");
            jurisdiction.HasIndex(j => j.County).IsUnique()
                .HasDatabaseName("IX_AgencyJurisdictions_County_WholeCounty")
                .HasFilter($"{Delimit(nameof(AgencyJurisdiction.CityKey))} IS NULL");
        });

        modelBuilder.Entity<Business>(business =>
        {
            business.Property(b => b.OrganizationCode).HasMaxLength(8).IsFixedLength();
            business.HasIndex(b => b.OrganizationCode).IsUnique();
            business.Property(b => b.Name).HasMaxLength(NameMaxLength);
            business.Property(b => b.ContactName).HasMaxLength(NameMaxLength);
            business.Property(b => b.ContactEmail).HasMaxLength(256);
            business.Property(b => b.ContactPhone).HasMaxLength(30);

            // Search results are ordered by business name, then code.
            business.HasIndex(b => new { b.Name, b.OrganizationCode });
        });

        modelBuilder.Entity<Facility>(facility =>
        {
            facility.HasKey(f => f.CersId);
            facility.Property(f => f.CersId).ValueGeneratedNever();
            facility.Property(f => f.Name).HasMaxLength(NameMaxLength);
            facility.Property(f => f.Street).HasMaxLength(StreetMaxLength);
            facility.Property(f => f.City).HasMaxLength(CityMaxLength);
            facility.Property(f => f.Zip).HasMaxLength(5).IsFixedLength();
            facility.Property(f => f.County).HasMaxLength(CountyMaxLength);
            facility.HasOne(f => f.Business).WithMany(b => b.Facilities).HasForeignKey(f => f.BusinessId).OnDelete(DeleteBehavior.Restrict);
            facility.HasOne(f => f.Agency).WithMany().HasForeignKey(f => f.AgencyId).OnDelete(DeleteBehavior.Restrict);

            NormalizedKey(facility.Property(f => f.StreetNumber)).HasMaxLength(10);
            NormalizedKey(facility.Property(f => f.StreetName)).HasMaxLength(StreetMaxLength);
            NormalizedKey(facility.Property(f => f.Directional)).HasMaxLength(2);
            NormalizedKey(facility.Property(f => f.Suffix)).HasMaxLength(4);
            NormalizedKey(facility.Property(f => f.Unit)).HasMaxLength(StreetMaxLength);
            NormalizedKey(facility.Property(f => f.CityKey)).HasMaxLength(CityMaxLength);

            // Every address search names a house number. Number + street: equality on the number and a
            // prefix range on the name, in one index. Number alone: grouping by business reads only the
            // (number, business) index, which also finds a page's facilities. Number + city or ZIP
            // without a street: their own indexes, so a common number is not read row by row.
            // Each ends with ArchivedAt, so leaving archived facilities out is read from the index too.
            facility.HasIndex(f => new { f.StreetNumber, f.StreetName, f.ArchivedAt });
            facility.HasIndex(f => new { f.StreetNumber, f.BusinessId, f.ArchivedAt });
            facility.HasIndex(f => new { f.StreetNumber, f.CityKey, f.ArchivedAt });
            facility.HasIndex(f => new { f.StreetNumber, f.Zip, f.ArchivedAt });
            facility.HasIndex(f => f.BusinessId);
            facility.HasIndex(f => f.AgencyId);
        });

        modelBuilder.Entity<Membership>(membership =>
        {
            membership.Property(m => m.UserSubject).HasMaxLength(SubjectMaxLength);
            membership.Property(m => m.UserName).HasMaxLength(256);
            membership.Property(m => m.Email).HasMaxLength(256);
            membership.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            membership.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            membership.Property(m => m.Version).IsConcurrencyToken();
            membership.HasOne(m => m.Business).WithMany().HasForeignKey(m => m.BusinessId).OnDelete(DeleteBehavior.Restrict);

            membership.HasIndex(m => new { m.UserSubject, m.BusinessId }).IsUnique()
                .HasDatabaseName("IX_Memberships_UserSubject_BusinessId_Active")
                .HasFilter($"{Delimit(nameof(Membership.Status))} = '{nameof(MembershipStatus.Active)}'");

            // "Does this business have an active Lead User?" decides where a request goes.
            membership.HasIndex(m => new { m.BusinessId, m.Status, m.Role });
        });

        modelBuilder.Entity<AccessRequest>(request =>
        {
            request.Property(r => r.RequesterSubject).HasMaxLength(SubjectMaxLength);
            request.Property(r => r.RequesterName).HasMaxLength(NameMaxLength);
            request.Property(r => r.RequesterEmail).HasMaxLength(256);
            request.Property(r => r.RequesterPhone).HasMaxLength(30);
            request.Property(r => r.RequesterTitle).HasMaxLength(100);
            request.Property(r => r.RequestedRole).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.GrantedRole).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.Route).HasConversion<string>().HasMaxLength(20);
            request.Property(r => r.DecidedBySubject).HasMaxLength(SubjectMaxLength);
            request.Property(r => r.DecidedByName).HasMaxLength(NameMaxLength);
            request.Property(r => r.Reason).HasMaxLength(1000);
            request.Property(r => r.Version).IsConcurrencyToken();
            request.HasOne(r => r.Business).WithMany().HasForeignKey(r => r.BusinessId).OnDelete(DeleteBehavior.Restrict);
            request.HasOne(r => r.Facility).WithMany().HasForeignKey(r => r.FacilityCersId).OnDelete(DeleteBehavior.Restrict);
            request.HasOne(r => r.Agency).WithMany().HasForeignKey(r => r.AgencyId).OnDelete(DeleteBehavior.Restrict);

            // One pending request per user and business, enforced by the engine so two simultaneous
            // submissions cannot both get in.
            request.HasIndex(r => new { r.RequesterSubject, r.BusinessId }).IsUnique()
                .HasDatabaseName("IX_AccessRequests_RequesterSubject_BusinessId_Pending")
                .HasFilter($"{Delimit(nameof(AccessRequest.Status))} = '{nameof(AccessRequestStatus.Pending)}'");

            // My requests; requests waiting for a business's Lead Users or an agency; the jobs' walk by age.
            request.HasIndex(r => new { r.RequesterSubject, r.CreatedAt });
            request.HasIndex(r => new { r.BusinessId, r.Status });
            request.HasIndex(r => new { r.AgencyId, r.Status });
            request.HasIndex(r => new { r.Status, r.CreatedAt });
        });

        modelBuilder.Entity<AccessRequestEvent>(history =>
        {
            history.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
            history.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            history.Property(e => e.ActorSubject).HasMaxLength(SubjectMaxLength);
            history.Property(e => e.ActorName).HasMaxLength(NameMaxLength);
            history.Property(e => e.Detail).HasMaxLength(1000);
            history.HasOne<AccessRequest>().WithMany(r => r.Events).HasForeignKey(e => e.AccessRequestId).OnDelete(DeleteBehavior.Cascade);
            history.HasIndex(e => new { e.AccessRequestId, e.OccurredAt });
        });

        modelBuilder.Entity<BusinessInvitation>(invitation =>
        {
            invitation.ToTable("Invitations");
            invitation.Property(i => i.Email).HasMaxLength(256);
            invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
            invitation.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            invitation.Property(i => i.TokenHash).HasMaxLength(64);
            invitation.Property(i => i.InvitedBySubject).HasMaxLength(SubjectMaxLength);
            invitation.Property(i => i.InvitedByName).HasMaxLength(NameMaxLength);
            invitation.Property(i => i.ClosedBySubject).HasMaxLength(SubjectMaxLength);
            invitation.Property(i => i.ClosedByName).HasMaxLength(NameMaxLength);
            invitation.HasOne(i => i.Business).WithMany().HasForeignKey(i => i.BusinessId).OnDelete(DeleteBehavior.Restrict);
            invitation.HasIndex(i => i.TokenHash).IsUnique();

            // One pending invitation per business and address, enforced by the engine.
            invitation.HasIndex(i => new { i.BusinessId, i.Email }).IsUnique()
                .HasDatabaseName("IX_Invitations_BusinessId_Email_Pending")
                .HasFilter($"{Delimit(nameof(BusinessInvitation.Status))} = '{nameof(InvitationStatus.Pending)}'");

            // A business's pending list and its limits' count by age.
            invitation.HasIndex(i => new { i.BusinessId, i.CreatedAt });
        });

        modelBuilder.Entity<FacilityTransfer>(transfer =>
        {
            transfer.ToTable("Transfers");
            transfer.Property(t => t.NewStreet).HasMaxLength(StreetMaxLength);
            transfer.Property(t => t.NewCity).HasMaxLength(CityMaxLength);
            transfer.Property(t => t.NewZip).HasMaxLength(10);
            transfer.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            transfer.Property(t => t.RequestedBySubject).HasMaxLength(SubjectMaxLength);
            transfer.Property(t => t.RequestedByName).HasMaxLength(NameMaxLength);
            transfer.Property(t => t.RequestedByAgencyCode).HasMaxLength(20);
            transfer.Property(t => t.Note).HasMaxLength(1000);
            transfer.Property(t => t.DecidedBySubject).HasMaxLength(SubjectMaxLength);
            transfer.Property(t => t.DecidedByName).HasMaxLength(NameMaxLength);
            transfer.Property(t => t.Reason).HasMaxLength(1000);
            transfer.Property(t => t.Version).IsConcurrencyToken();
            transfer.HasOne(t => t.Facility).WithMany().HasForeignKey(t => t.FacilityCersId).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne(t => t.FromBusiness).WithMany().HasForeignKey(t => t.FromBusinessId).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne(t => t.ToBusiness).WithMany().HasForeignKey(t => t.ToBusinessId).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne(t => t.Agency).WithMany().HasForeignKey(t => t.AgencyId).OnDelete(DeleteBehavior.Restrict);

            // One pending transfer per facility, enforced by the engine.
            transfer.HasIndex(t => t.FacilityCersId).IsUnique()
                .HasDatabaseName("IX_Transfers_FacilityCersId_Pending")
                .HasFilter($"{Delimit(nameof(FacilityTransfer.Status))} = '{nameof(TransferStatus.Pending)}'");

            // The regulator's pending list; a business's transfers either way.
            transfer.HasIndex(t => new { t.AgencyId, t.Status, t.CreatedAt });
            transfer.HasIndex(t => new { t.FromBusinessId, t.CreatedAt });
            transfer.HasIndex(t => new { t.ToBusinessId, t.CreatedAt });
        });

        modelBuilder.Entity<AuditEvent>(audit =>
        {
            audit.Property(a => a.Kind).HasMaxLength(50);
            audit.Property(a => a.ActorSubject).HasMaxLength(SubjectMaxLength);
            audit.Property(a => a.ActorName).HasMaxLength(NameMaxLength);
            audit.Property(a => a.ActorAgencyCode).HasMaxLength(20);
            audit.Property(a => a.Detail).HasMaxLength(1000);
            audit.HasIndex(a => a.OccurredAt);
            audit.HasIndex(a => new { a.BusinessId, a.OccurredAt });
            audit.HasIndex(a => new { a.FacilityCersId, a.OccurredAt });
        });

        modelBuilder.Entity<KeyCounter>(counter =>
        {
            counter.HasKey(c => c.Name);
            counter.Property(c => c.Name).HasMaxLength(50);
            counter.HasData(
                new KeyCounter { Name = KeyCounter.CersId, NextValue = KeyCounter.FirstCersId },
                new KeyCounter { Name = KeyCounter.OrganizationCode, NextValue = KeyCounter.FirstOrganizationCode });
        });

        modelBuilder.MapEmailOutbox();
    }

    /// <summary>A normalized search column; an engine may give it a collation fit for its range predicates.</summary>
    protected virtual PropertyBuilder<T> NormalizedKey<T>(PropertyBuilder<T> property) => property;
}

/// <summary>SQLite: text compares as binary by default, which is what the normalized columns need.</summary>
public sealed class SqliteFacilityDbContext(DbContextOptions<SqliteFacilityDbContext> options) : FacilityDbContext(options)
{
    protected override string Delimit(string identifier) => $"\"{identifier}\"";
}

public sealed class SqlServerFacilityDbContext(DbContextOptions<SqlServerFacilityDbContext> options) : FacilityDbContext(options)
{
    /// <summary>
    /// Binary collation on the normalized columns: they hold uppercase ASCII already, and a street-name
    /// prefix is searched as the range [prefix, prefix with its last character incremented), which
    /// holds only where characters compare by code point (a linguistic collation sorts '[' or ':'
    /// before letters and digits).
    /// </summary>
    public const string NormalizedKeyCollation = "Latin1_General_100_BIN2";

    protected override string Delimit(string identifier) => $"[{identifier}]";

    protected override PropertyBuilder<T> NormalizedKey<T>(PropertyBuilder<T> property) => property.UseCollation(NormalizedKeyCollation);
}

public sealed class PostgreSqlFacilityDbContext(DbContextOptions<PostgreSqlFacilityDbContext> options) : FacilityDbContext(options)
{
    protected override string Delimit(string identifier) => $"\"{identifier}\"";

    /// <summary>Byte order on the normalized columns, for the same reason as SQL Server's BIN2 (see <see cref="PostgreSqlConventions"/>).</summary>
    protected override PropertyBuilder<T> NormalizedKey<T>(PropertyBuilder<T> property) => property.UseCollation(PostgreSqlConventions.ByteOrderCollation);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => PostgreSqlConventions.Apply(configurationBuilder);
}
