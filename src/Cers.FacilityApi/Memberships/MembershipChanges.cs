using System.Text.RegularExpressions;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Memberships;

public enum MembershipChangeOutcome
{
    Changed,
    NotFound,
    Conflict,
    LastLeadUser,
}

/// <summary>
/// A Lead User changes a member's role or removes them. Each change is a conditional update on the
/// membership's version; the count of the business's active Lead Users is taken after the update, in
/// the same transaction, and a change that leaves none is rolled back. The business's member changes take turns under
/// a lock (<see cref="TransactionLocks"/>), so two Lead Users demoting each other at once cannot strand the business on
/// any engine: whichever goes second finds no Lead User left. The member
/// and the business's other Lead Users are emailed about every change (<see cref="MembershipEmails"/>).
/// </summary>
public sealed partial class MembershipChanges(FacilityDbContext db, MembershipEmails emails, TimeProvider time)
{
    /// <summary>The business's id when <paramref name="subject"/> is one of its active Lead Users.</summary>
    public Task<int?> LeadUserBusinessAsync(string organizationCode, string subject, CancellationToken cancellationToken) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.Business!.OrganizationCode == organizationCode && m.UserSubject == subject
                && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser)
            .Select(m => (int?)m.BusinessId)
            .FirstOrDefaultAsync(cancellationToken);

    public Task<MembershipChangeOutcome> ChangeRoleAsync(int businessId, long membershipId, MembershipRole role, int version,
        ApiCaller caller, CancellationToken cancellationToken) =>
        ChangeAsync(businessId, membershipId, version, caller, AuditKinds.MembershipRoleChanged, role,
            (members, now, ct) => members.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Role, role)
                .SetProperty(m => m.UpdatedAt, now)
                .SetProperty(m => m.Version, m => m.Version + 1), ct),
            (subject, oldRole) => RoleChangeDetail(subject, oldRole, role), cancellationToken);

    public Task<MembershipChangeOutcome> RemoveAsync(int businessId, long membershipId, int version, ApiCaller caller,
        CancellationToken cancellationToken) =>
        ChangeAsync(businessId, membershipId, version, caller, AuditKinds.MembershipRemoved, newRole: null,
            (members, now, ct) => members.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MembershipStatus.Removed)
                .SetProperty(m => m.UpdatedAt, now)
                .SetProperty(m => m.Version, m => m.Version + 1), ct),
            (subject, _) => $"Removed {subject}.", cancellationToken);

    /// <summary>The audit detail of a role change, which the business's history reads back (<see cref="ReadRoleChange"/>).</summary>
    public static string RoleChangeDetail(string subject, MembershipRole from, MembershipRole to) =>
        $"Changed the role of {subject} from {from} to {to}.";

    /// <summary>
    /// The roles of a <see cref="RoleChangeDetail"/>; rows written before it named the old role say only
    /// "to {role}", so the old role may be unknown.
    /// </summary>
    public static (MembershipRole? From, MembershipRole? To) ReadRoleChange(string? detail)
    {
        var match = detail is null ? null : RoleChange().Match(detail);
        return match is { Success: true }
            ? (match.Groups["from"].Success ? Enum.Parse<MembershipRole>(match.Groups["from"].Value) : null, Enum.Parse<MembershipRole>(match.Groups["to"].Value))
            : (null, null);
    }

    [GeneratedRegex(@"(?: from (?<from>LeadUser|Approver|Editor|Viewer))? to (?<to>LeadUser|Approver|Editor|Viewer)\.$")]
    private static partial Regex RoleChange();

    private async Task<MembershipChangeOutcome> ChangeAsync(int businessId, long membershipId, int version, ApiCaller caller,
        string auditKind, MembershipRole? newRole, Func<IQueryable<Membership>, DateTime, CancellationToken, Task<int>> update, Func<string, MembershipRole, string> detail,
        CancellationToken cancellationToken)
    {
        var member = await db.Memberships.AsNoTracking()
            .Where(m => m.Id == membershipId && m.BusinessId == businessId && m.Status == MembershipStatus.Active)
            .Select(m => new { m.UserSubject, m.UserName, m.Email, m.Role, m.Version })
            .FirstOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return MembershipChangeOutcome.NotFound;
        }

        if (member.Version != version)
        {
            return MembershipChangeOutcome.Conflict;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            // Each attempt (SQL Server's execution strategy may retry) starts from nothing tracked, so the audit
            // row and the emails are written once.
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            // Changes to one business's members take turns: under read committed or snapshot isolation (PostgreSQL,
            // SQL Server with READ_COMMITTED_SNAPSHOT) two Lead Users demoting each other would each count the other
            // as still a Lead User, commit, and leave none.
            await db.LockAsync($"business-members:{businessId}", ct);

            // Write first: the caller must still be an active Lead User when the change is made, and the
            // version must still be the one the caller read.
            var updated = await update(db.Memberships.Where(m => m.Id == membershipId && m.BusinessId == businessId
                && m.Status == MembershipStatus.Active && m.Version == version
                && db.Memberships.Any(l => l.BusinessId == businessId && l.UserSubject == caller.Subject
                    && l.Status == MembershipStatus.Active && l.Role == MembershipRole.LeadUser)), now, ct);
            if (updated == 0)
            {
                await transaction.RollbackAsync(ct);
                return MembershipChangeOutcome.Conflict;
            }

            var leadUsers = await db.Memberships.CountAsync(m => m.BusinessId == businessId && m.Status == MembershipStatus.Active
                && m.Role == MembershipRole.LeadUser, ct);
            if (leadUsers == 0)
            {
                // The rule: the last active Lead User cannot remove or demote themself, nor be removed or demoted.
                await transaction.RollbackAsync(ct);
                return MembershipChangeOutcome.LastLeadUser;
            }

            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = auditKind,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = businessId,
                MembershipId = membershipId,
                Detail = detail(member.UserSubject, member.Role),
            });
            await emails.AddChangedAsync(new MembershipChange(businessId, membershipId, version + 1, member.UserSubject, member.UserName,
                member.Email, member.Role, newRole, caller.Subject, caller.Name), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return MembershipChangeOutcome.Changed;
        }, cancellationToken);
    }
}
