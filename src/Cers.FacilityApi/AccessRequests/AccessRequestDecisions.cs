using Cers.Data;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.AccessRequests;

public enum DecisionOutcome
{
    Decided,

    /// <summary>No such request, or not one the caller may decide: the two look the same, so nothing leaks.</summary>
    NotFound,

    NotPending,

    /// <summary>The posted version is stale, or another decision won the race.</summary>
    Conflict,

    /// <summary>The caller asked for it: nobody decides their own request, whatever their roles.</summary>
    OwnRequest,
}

/// <summary>How the caller stands to a request, in the order the rules look at it.</summary>
public enum DeciderStanding
{
    /// <summary>Neither its requester nor one who may decide it.</summary>
    None,

    /// <summary>Its requester: may see and withdraw it, never decide it (separation of duties).</summary>
    Requester,

    /// <summary>An active Lead User of the business.</summary>
    LeadUser,

    /// <summary>Staff or an API client of the facility's regulator agency.</summary>
    Regulator,
}

/// <summary>
/// Approve, deny and withdraw. Who may decide (DESIGN.md): the business's active Lead Users, and the
/// regulator agency of the facility (regulators may always decide requests in their jurisdiction), but
/// never the requester, whatever their roles: otherwise a regulator could ask for the Lead User role in
/// any business of their county and grant it to themself. A regulator deciding a request that waits for
/// the business's Lead Users overrides them: the decision is marked so and the Lead Users are emailed.
/// Exactly one decision wins: each change is a conditional update on <see cref="AccessRequest.Version"/>
/// and <see cref="AccessRequestStatus.Pending"/>, the first statement of its transaction (after a grant's members lock), so a second
/// decision waits for the first to commit, then matches no row and is refused. The same statement checks
/// again that the caller is not the requester and, for a Lead User, still leads the business.
/// </summary>
public sealed class AccessRequestDecisions(FacilityDbContext db, AccessRequestEmails emails, FacilityApiMetrics metrics, TimeProvider time)
{
    /// <summary>The request, and how <paramref name="caller"/> stands to it; no request when they have no standing.</summary>
    public async Task<(AccessRequest? Request, DeciderStanding Standing)> FindAsync(long id, ApiCaller caller,
        CancellationToken cancellationToken)
    {
        var request = await db.AccessRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return (null, DeciderStanding.None);
        }

        if (request.RequesterSubject == caller.Subject)
        {
            return (request, DeciderStanding.Requester);
        }

        if (await BusinessAccess.IsLeadUserAsync(db, request.BusinessId, caller.Subject, cancellationToken))
        {
            return (request, DeciderStanding.LeadUser);
        }

        if (caller.AgencyCode is { } code && request.AgencyId is { } agencyId
            && await db.Agencies.AnyAsync(a => a.Id == agencyId && a.Code == code, cancellationToken))
        {
            return (request, DeciderStanding.Regulator);
        }

        return (null, DeciderStanding.None);
    }

    public Task<DecisionOutcome> ApproveAsync(long id, ApiCaller caller, MembershipRole grantedRole, int version,
        CancellationToken cancellationToken) =>
        DecideAsync(id, caller, version, AccessRequestStatus.Approved, grantedRole, reason: null, cancellationToken);

    public Task<DecisionOutcome> DenyAsync(long id, ApiCaller caller, string reason, int version, CancellationToken cancellationToken) =>
        DecideAsync(id, caller, version, AccessRequestStatus.Denied, grantedRole: null, reason, cancellationToken);

    /// <summary>Only the requester, only while pending.</summary>
    public async Task<DecisionOutcome> WithdrawAsync(long id, ApiCaller caller, CancellationToken cancellationToken)
    {
        var request = await db.AccessRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == id && r.RequesterSubject == caller.Subject, cancellationToken);
        if (request is null)
        {
            return DecisionOutcome.NotFound;
        }

        if (request.Status != AccessRequestStatus.Pending)
        {
            return DecisionOutcome.NotPending;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return await db.InTransactionAsync(async ct =>
        {
            var updated = await db.AccessRequests
                .Where(r => r.Id == id && r.Status == AccessRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, AccessRequestStatus.Withdrawn)
                    .SetProperty(r => r.UpdatedAt, now)
                    .SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (updated == 0)
            {
                return DecisionOutcome.NotPending;
            }

            db.AccessRequestEvents.Add(new AccessRequestEvent
            {
                AccessRequestId = id,
                OccurredAt = now,
                Kind = AccessRequestEventKind.Withdrawn,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                Status = AccessRequestStatus.Withdrawn,
            });
            await db.SaveChangesAsync(ct);
            return DecisionOutcome.Decided;
        }, cancellationToken);
    }

    private async Task<DecisionOutcome> DecideAsync(long id, ApiCaller caller, int version, AccessRequestStatus status,
        MembershipRole? grantedRole, string? reason, CancellationToken cancellationToken)
    {
        var (request, standing) = await FindAsync(id, caller, cancellationToken);
        if (standing == DeciderStanding.Requester)
        {
            return DecisionOutcome.OwnRequest;
        }

        if (request is null || standing == DeciderStanding.None)
        {
            return DecisionOutcome.NotFound;
        }

        // A stale version first: the loser of a race finds the winner's version, whatever it decided.
        if (request.Version != version)
        {
            return DecisionOutcome.Conflict;
        }

        if (request.Status != AccessRequestStatus.Pending)
        {
            return DecisionOutcome.NotPending;
        }

        var asRegulator = standing == DeciderStanding.Regulator;
        var subject = caller.Subject;
        var now = time.GetUtcNow().UtcDateTime;
        var outcome = await db.InTransactionAsync(async ct =>
        {
            if (grantedRole is not null)
            {
                // A grant changes the business's members: it takes turns with an invitation's accept and a regulator's
                // appointment of a Lead User, which check the members under the same lock, so two paths never both add
                // the same person (the unique index would refuse the second) nor two Lead Users be made for a business with none.
                await db.LockAsync($"business-members:{request.BusinessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);
            }

            // Whether it overrides the Lead Users is read from the row as it is decided, not as it was read:
            // the escalation job may have routed it to the regulator in between.
            var updated = await db.AccessRequests
                .Where(r => r.Id == id && r.Version == version && r.Status == AccessRequestStatus.Pending && r.RequesterSubject != subject)
                .Where(r => asRegulator || db.Memberships.Any(m => m.BusinessId == r.BusinessId && m.UserSubject == subject
                    && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.GrantedRole, grantedRole)
                    .SetProperty(r => r.Reason, reason)
                    .SetProperty(r => r.DecidedBySubject, subject)
                    .SetProperty(r => r.DecidedByName, caller.Name)
                    .SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.DecidedAsOverride, r => asRegulator && r.Route == AccessRequestRoute.LeadUser)
                    .SetProperty(r => r.UpdatedAt, now)
                    .SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (updated == 0)
            {
                return DecisionOutcome.Conflict;
            }

            var overridden = await db.AccessRequests.Where(r => r.Id == id).Select(r => r.DecidedAsOverride).SingleAsync(ct);
            long? membershipId = null;
            if (grantedRole is { } role)
            {
                membershipId = await GrantAsync(request, role, now, ct);
            }

            var approved = status == AccessRequestStatus.Approved;
            var what = approved ? $"Granted {grantedRole}." : reason;
            var overrideNote = overridden ? $"Regulator override ({caller.AgencyCode}) of a request routed to the business's Lead Users. " : "";
            db.AccessRequestEvents.Add(new AccessRequestEvent
            {
                AccessRequestId = id,
                OccurredAt = now,
                Kind = approved ? AccessRequestEventKind.Approved : AccessRequestEventKind.Denied,
                ActorSubject = subject,
                ActorName = caller.Name,
                Status = status,
                Detail = overrideNote + what,
            });
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = approved ? AuditKinds.AccessApproved : AuditKinds.AccessDenied,
                ActorSubject = subject,
                ActorName = caller.Name,
                ActorAgencyCode = asRegulator ? caller.AgencyCode : null,
                BusinessId = request.BusinessId,
                AccessRequestId = id,
                MembershipId = membershipId,
                Detail = overrideNote + (approved ? $"Granted {grantedRole} to {request.RequesterSubject}." : reason),
            });
            await emails.AddDecidedAsync(id, ct);
            if (overridden)
            {
                await emails.AddOverriddenAsync(id, ct);
            }
            else if (grantedRole == MembershipRole.LeadUser)
            {
                await emails.AddLeadUserGrantedAsync(id, subject, ct);
            }

            await db.SaveChangesAsync(ct);
            return DecisionOutcome.Decided;
        }, cancellationToken);
        if (outcome == DecisionOutcome.Decided)
        {
            metrics.Decided(asRegulator, status == AccessRequestStatus.Approved);
        }

        return outcome;
    }

    /// <summary>
    /// Gives the requester an active membership with <paramref name="role"/>: their current one changes
    /// role, a removed one is reactivated, otherwise a new one is made. Returns its id when it already existed.
    /// </summary>
    private async Task<long?> GrantAsync(AccessRequest request, MembershipRole role, DateTime now, CancellationToken cancellationToken)
    {
        var membership = await db.Memberships
            .Where(m => m.UserSubject == request.RequesterSubject && m.BusinessId == request.BusinessId)
            .OrderBy(m => m.Status == MembershipStatus.Active ? 0 : 1)
            .ThenByDescending(m => m.UpdatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (membership is null)
        {
            db.Memberships.Add(new Membership
            {
                UserSubject = request.RequesterSubject,
                UserName = request.RequesterName,
                Email = request.RequesterEmail,
                BusinessId = request.BusinessId,
                Role = role,
                Status = MembershipStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
            });
            return null;
        }

        membership.Role = role;
        membership.Status = MembershipStatus.Active;
        membership.UpdatedAt = now;
        membership.Version++;
        return membership.Id;
    }
}
