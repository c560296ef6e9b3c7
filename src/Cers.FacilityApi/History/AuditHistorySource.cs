using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using static Cers.FacilityApi.Email.FacilityEmailWriter;

namespace Cers.FacilityApi.History;

/// <summary>
/// The business's audited changes that no access request records: a Lead User changing a member's role or removing
/// them, a regulator removing a member or making one Lead User, invitations sent, revoked and accepted, and a facility added (whose creator, for a new business, became its
/// Lead User). The audit log names the business's
/// access decisions, escalations and expiries too; <see cref="AccessRequestHistorySource"/> tells those.
/// </summary>
public sealed class AuditHistorySource(FacilityDbContext db) : IBusinessHistorySource
{
    private static readonly string[] Kinds =
    [
        AuditKinds.MembershipRoleChanged, AuditKinds.MembershipRemoved, AuditKinds.LeadUserAppointed, AuditKinds.FacilityCreated,
        AuditKinds.InvitationSent, AuditKinds.InvitationRevoked, AuditKinds.InvitationAccepted,
    ];

    public Task<int> CountAsync(int businessId, CancellationToken cancellationToken) => Audited(businessId).CountAsync(cancellationToken);

    public async Task<List<BusinessHistoryEntry>> NewestAsync(int businessId, int? take, CancellationToken cancellationToken)
    {
        var newest = Audited(businessId).OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id);
        var rows = await (take is { } count ? newest.Take(count) : newest)
            .Select(a => new
            {
                a.OccurredAt,
                a.Kind,
                a.ActorName,
                a.ActorAgencyCode,
                a.Detail,
                Person = db.Memberships.Where(m => m.Id == a.MembershipId).Select(m => m.UserName ?? m.Email).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        return [.. rows.Select(r =>
        {
            var (kind, what, detail, person) = r.Kind switch
            {
                AuditKinds.MembershipRoleChanged => (BusinessHistoryKinds.RoleChanged, "Role changed", RoleChange(r.Detail), r.Person),
                // A regulator's removal says so: the business's Lead Users did not make it.
                AuditKinds.MembershipRemoved => (BusinessHistoryKinds.Removed, "Removed from the business",
                    r.ActorAgencyCode is { } agency ? $"By the regulator ({agency})." : null, r.Person),
                AuditKinds.LeadUserAppointed => (BusinessHistoryKinds.LeadUserAppointed, "Made Lead User by the regulator",
                    RoleChange(r.Detail), r.Person),
                // The stored words name the facility and business by number, and say when the creator became Lead User.
                AuditKinds.FacilityCreated => (BusinessHistoryKinds.FacilityAdded, "Facility added", r.Detail, null),
                // An invitation's words name the address invited (nobody has an account for it yet) and the role.
                AuditKinds.InvitationSent => (BusinessHistoryKinds.Invited, "Invited by email", r.Detail, null),
                AuditKinds.InvitationRevoked => (BusinessHistoryKinds.InvitationRevoked, "Invitation revoked", r.Detail, null),
                AuditKinds.InvitationAccepted => (BusinessHistoryKinds.InvitationAccepted, "Invitation accepted", r.Detail, r.Person),
                _ => (r.Kind, r.Kind, r.Detail, r.Person),
            };
            return new BusinessHistoryEntry(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc), kind, what,
                r.ActorName ?? BusinessHistoryKinds.System, person, null, null, detail);
        })];
    }

    /// <summary>"Editor -> Approver"; only the new role for a change audited before the old one was recorded.</summary>
    private static string? RoleChange(string? detail) => MembershipChanges.ReadRoleChange(detail) switch
    {
        ({ } from, { } to) => $"{RoleName(from)} -> {RoleName(to)}",
        (null, { } to) => $"New role: {RoleName(to)}",
        _ => null,
    };

    private IQueryable<AuditEvent> Audited(int businessId) =>
        db.AuditEvents.AsNoTracking().Where(a => a.BusinessId == businessId && Kinds.Contains(a.Kind));
}
