using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using static Cers.FacilityApi.Email.FacilityEmailWriter;

namespace Cers.FacilityApi.History;

/// <summary>
/// The business's audited changes that no access request records: a Lead User changing a member's role or removing
/// them, a regulator removing a member or making one Lead User, invitations sent, revoked and accepted, a facility added
/// (whose creator, for a new business, became its Lead User), renamed, archived or transferred, and the business's details
/// edited. The audit log names the business's
/// access decisions, escalations and expiries too; <see cref="AccessRequestHistorySource"/> tells those.
/// </summary>
public sealed class AuditHistorySource(FacilityDbContext db) : IBusinessHistorySource
{
    private static readonly string[] Kinds =
    [
        AuditKinds.MembershipRoleChanged, AuditKinds.MembershipRemoved, AuditKinds.LeadUserAppointed, AuditKinds.FacilityCreated,
        AuditKinds.InvitationSent, AuditKinds.InvitationRevoked, AuditKinds.InvitationAccepted,
        AuditKinds.BusinessEdited, AuditKinds.FacilityRenamed, AuditKinds.FacilityArchived,
        AuditKinds.TransferRequested, AuditKinds.TransferDenied, AuditKinds.TransferWithdrawn, AuditKinds.FacilityTransferred,
    ];

    public Task<int> CountAsync(HistoryScope scope, CancellationToken cancellationToken) => Audited(scope).CountAsync(cancellationToken);

    public async Task<List<BusinessHistoryEntry>> NewestAsync(HistoryScope scope, int? take, CancellationToken cancellationToken)
    {
        var newest = Audited(scope).OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id);
        var rows = await (take is { } count ? newest.Take(count) : newest)
            .Select(a => new
            {
                a.OccurredAt,
                a.Kind,
                a.ActorName,
                a.ActorAgencyCode,
                a.Detail,
                Person = db.Memberships.Where(m => m.Id == a.MembershipId).Select(m => m.UserName ?? m.Email).FirstOrDefault(),
                a.FacilityCersId,
                FacilityName = db.Facilities.Where(f => f.CersId == a.FacilityCersId).Select(f => f.Name).FirstOrDefault(),
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
                AuditKinds.BusinessEdited => (BusinessHistoryKinds.BusinessEdited, "Business details changed", r.Detail, null),
                AuditKinds.FacilityRenamed => (BusinessHistoryKinds.FacilityRenamed, "Facility renamed", r.Detail, null),
                AuditKinds.FacilityArchived => (BusinessHistoryKinds.FacilityArchived, "Facility archived (closed)", r.Detail, null),
                AuditKinds.TransferRequested => (BusinessHistoryKinds.TransferRequested, "Transfer asked for", r.Detail, null),
                AuditKinds.TransferDenied => (BusinessHistoryKinds.TransferDenied, "Transfer denied", r.Detail, null),
                AuditKinds.TransferWithdrawn => (BusinessHistoryKinds.TransferWithdrawn, "Transfer withdrawn", r.Detail, null),
                AuditKinds.FacilityTransferred => (BusinessHistoryKinds.Transferred, "Facility transferred", r.Detail, null),
                _ => (r.Kind, r.Kind, r.Detail, r.Person),
            };
            return new BusinessHistoryEntry(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc), kind, what,
                r.ActorName ?? BusinessHistoryKinds.System, person, r.FacilityCersId, r.FacilityName, detail);
        })];
    }

    /// <summary>"Editor -> Approver"; only the new role for a change audited before the old one was recorded.</summary>
    private static string? RoleChange(string? detail) => MembershipChanges.ReadRoleChange(detail) switch
    {
        ({ } from, { } to) => $"{RoleName(from)} -> {RoleName(to)}",
        (null, { } to) => $"New role: {RoleName(to)}",
        _ => null,
    };

    /// <summary>
    /// A business's rows, a facility's, or a facility's rows of one business. A transfer between two businesses is audited on
    /// each; a facility's whole timeline reads it once, from the receiving business's row.
    /// </summary>
    private IQueryable<AuditEvent> Audited(HistoryScope scope) =>
        db.AuditEvents.AsNoTracking().Where(a => Kinds.Contains(a.Kind)
            && (scope.BusinessId == null || a.BusinessId == scope.BusinessId)
            && (scope.FacilityCersId == null || (a.FacilityCersId == scope.FacilityCersId
                && (scope.BusinessId != null || a.TransferId == null || db.Transfers.Any(t => t.Id == a.TransferId && t.ToBusinessId == a.BusinessId)))));
}
