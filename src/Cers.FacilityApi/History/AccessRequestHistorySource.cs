using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;
using static Cers.FacilityApi.Email.FacilityEmailWriter;

namespace Cers.FacilityApi.History;

/// <summary>
/// The events of the access requests to the business: asked for, granted, denied, withdrawn, escalated, expired. The
/// reminders the job sends are not access events and are left out. (The decisions, escalations and expiries are audited
/// too; those audit rows are not read again, see <see cref="AuditHistorySource"/>.)
/// </summary>
public sealed class AccessRequestHistorySource(FacilityDbContext db) : IBusinessHistorySource
{
    public Task<int> CountAsync(HistoryScope scope, CancellationToken cancellationToken) => Events(scope).CountAsync(cancellationToken);

    public async Task<List<BusinessHistoryEntry>> NewestAsync(HistoryScope scope, int? take, CancellationToken cancellationToken)
    {
        var newest = Events(scope).OrderByDescending(e => e.Event.OccurredAt).ThenByDescending(e => e.Event.Id);
        var rows = await (take is { } count ? newest.Take(count) : newest)
            .Select(e => new
            {
                e.Event.OccurredAt,
                e.Event.Kind,
                e.Event.ActorName,
                e.Event.Detail,
                e.Request.RequesterName,
                e.Request.RequestedRole,
                e.Request.GrantedRole,
                e.Request.Reason,
                e.Request.DecidedAsOverride,
                e.Request.FacilityCersId,
                FacilityName = e.Request.Facility!.Name,
            })
            .ToListAsync(cancellationToken);

        return [.. rows.Select(r =>
        {
            // A request is decided once, so the request's own decision columns describe its one Approved or Denied event.
            var decidedBy = r.DecidedAsOverride ? "The regulator decided in place of the business's Lead Users. " : "";
            var (kind, what, detail) = r.Kind switch
            {
                AccessRequestEventKind.Created => (BusinessHistoryKinds.Requested, "Asked for access", $"Role asked for: {RoleName(r.RequestedRole)}."),
                AccessRequestEventKind.Approved => (BusinessHistoryKinds.Granted, "Access granted", $"{decidedBy}Role granted: {RoleName(r.GrantedRole)}."),
                AccessRequestEventKind.Denied => (BusinessHistoryKinds.Denied, "Access denied", $"{decidedBy}Reason: {r.Reason}"),
                // The requester's own withdrawal has no detail; a request closed by a facility's transfer says so.
                AccessRequestEventKind.Withdrawn => (BusinessHistoryKinds.Withdrawn, "Request withdrawn", r.Detail),
                AccessRequestEventKind.Escalated => (BusinessHistoryKinds.Escalated, "Request passed to the regulator", r.Detail),
                AccessRequestEventKind.Expired => (BusinessHistoryKinds.Expired, "Request expired", r.Detail),
                // A kind added later and not yet worded here is still shown, by its name, rather than failing the whole timeline.
                var other => (other.ToString().ToLowerInvariant(), other.ToString(), r.Detail),
            };
            return new BusinessHistoryEntry(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc), kind, what,
                r.ActorName ?? BusinessHistoryKinds.System, r.RequesterName, r.FacilityCersId, r.FacilityName, detail);
        })];
    }

    /// <summary>A business's requests, or those made through a facility (to whichever business had it then).</summary>
    private IQueryable<RequestEvent> Events(HistoryScope scope) =>
        from e in db.AccessRequestEvents.AsNoTracking()
        join r in db.AccessRequests.AsNoTracking() on e.AccessRequestId equals r.Id
        where (scope.BusinessId == null || r.BusinessId == scope.BusinessId)
            && (scope.FacilityCersId == null || r.FacilityCersId == scope.FacilityCersId)
            && e.Kind != AccessRequestEventKind.Reminded
        select new RequestEvent { Event = e, Request = r };

    private sealed class RequestEvent
    {
        public required AccessRequestEvent Event { get; init; }

        public required AccessRequest Request { get; init; }
    }
}
