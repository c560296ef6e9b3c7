using System.Globalization;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Regulator;

public enum RegulatorActionOutcome
{
    Done,

    /// <summary>No active membership of that id in the business.</summary>
    NotFound,

    /// <summary>The version is stale, or the membership changed (or the business left the jurisdiction) meanwhile.</summary>
    Conflict,

    /// <summary>The business already has an active Lead User: a regulator appoints one only where there is none.</summary>
    HasLeadUser,

    /// <summary>The regulator is a member of the business: they change its members only as its Lead Users may, never as its regulator.</summary>
    OwnBusiness,
}

/// <summary>
/// What a regulator (staff, or an agency's API client, as for access decisions) does to the members of a business of its
/// jurisdiction: remove someone who left, and make a member Lead User of a business that has none (the business's Lead
/// Users are the ones who manage it; the regulator steps in only where nobody can). Unlike a Lead User, a regulator may
/// remove the last Lead User: the business is then routed to the regulator, who can appoint another.
/// Each action is a conditional update on the membership's version, made under the business's member lock
/// (<see cref="TransactionLocks"/>, the one <see cref="MembershipChanges"/> and invitations take), so two appointments at
/// once give one Lead User: the second finds the first's and is refused. The same statement checks again that the
/// business is still in the caller's jurisdiction. Audited with the agency, and emailed as a Lead User's change is
/// (<see cref="MembershipEmails"/>).
/// </summary>
public sealed class RegulatorMemberActions(FacilityDbContext db, MembershipEmails emails, TimeProvider time)
{
    public Task<RegulatorActionOutcome> RemoveAsync(int businessId, long membershipId, int version, ApiCaller caller,
        CancellationToken cancellationToken) =>
        ActAsync(businessId, membershipId, version, caller, newRole: null, cancellationToken);

    public Task<RegulatorActionOutcome> AppointLeadUserAsync(int businessId, long membershipId, int version, ApiCaller caller,
        CancellationToken cancellationToken) =>
        ActAsync(businessId, membershipId, version, caller, MembershipRole.LeadUser, cancellationToken);

    private async Task<RegulatorActionOutcome> ActAsync(int businessId, long membershipId, int version, ApiCaller caller,
        MembershipRole? newRole, CancellationToken cancellationToken)
    {
        var agency = caller.AgencyCode ?? throw new InvalidOperationException("Only a regulator acts here.");
        var member = await db.Memberships.AsNoTracking()
            .Where(m => m.Id == membershipId && m.BusinessId == businessId && m.Status == MembershipStatus.Active)
            .Select(m => new { m.UserSubject, m.UserName, m.Email, m.Role, m.Version })
            .FirstOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return RegulatorActionOutcome.NotFound;
        }

        // A regulator who is also a member of the business would otherwise make themself (or an accomplice) its Lead User, or
        // remove its Lead Users, and then decide who else gets in: the same separation of duties as "nobody decides their own
        // request" and "nobody decides a transfer of a business they belong to". Another regulator of the agency acts.
        if (await db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.UserSubject == caller.Subject && m.Status == MembershipStatus.Active,
                cancellationToken))
        {
            return RegulatorActionOutcome.OwnBusiness;
        }

        // Whether the business has a Lead User is the answer that matters to an appointment, before a stale version: the
        // loser of two appointments of one person finds the winner's Lead User, whenever it reads.
        if (newRole == MembershipRole.LeadUser && await HasLeadUserAsync(businessId, cancellationToken))
        {
            return RegulatorActionOutcome.HasLeadUser;
        }

        if (member.Version != version)
        {
            return RegulatorActionOutcome.Conflict;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return await db.InTransactionAsync(async ct =>
        {
            await db.LockAsync($"business-members:{businessId.ToString(CultureInfo.InvariantCulture)}", ct);
            if (newRole == MembershipRole.LeadUser && await HasLeadUserAsync(businessId, ct))
            {
                return RegulatorActionOutcome.HasLeadUser;
            }

            var target = db.Memberships.Where(m => m.Id == membershipId && m.BusinessId == businessId
                && m.Status == MembershipStatus.Active && m.Version == version
                && db.Facilities.Any(f => f.BusinessId == businessId && f.Agency!.Code == agency));
            var updated = newRole is { } role
                ? await target.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Role, role)
                    .SetProperty(m => m.UpdatedAt, now)
                    .SetProperty(m => m.Version, m => m.Version + 1), ct)
                : await target.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, MembershipStatus.Removed)
                    .SetProperty(m => m.UpdatedAt, now)
                    .SetProperty(m => m.Version, m => m.Version + 1), ct);
            if (updated == 0)
            {
                return RegulatorActionOutcome.Conflict;
            }

            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = newRole is null ? AuditKinds.MembershipRemoved : AuditKinds.LeadUserAppointed,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                ActorAgencyCode = agency,
                BusinessId = businessId,
                MembershipId = membershipId,
                Detail = newRole is { } appointed
                    ? MembershipChanges.RoleChangeDetail(member.UserSubject, member.Role, appointed)
                    : $"Removed {member.UserSubject} as regulator {agency}.",
            });
            await emails.AddChangedAsync(new MembershipChange(businessId, membershipId, version + 1, member.UserSubject, member.UserName,
                member.Email, member.Role, newRole, caller.Subject, $"{caller.Name} (regulator, {agency})"), ct);
            await db.SaveChangesAsync(ct);
            return RegulatorActionOutcome.Done;
        }, cancellationToken);
    }

    private Task<bool> HasLeadUserAsync(int businessId, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser,
            cancellationToken);
}
