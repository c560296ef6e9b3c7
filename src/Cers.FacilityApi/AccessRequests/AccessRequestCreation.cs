using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>What asking for access came to; the endpoint turns each into its HTTP answer.</summary>
public abstract record CreationOutcome
{
    public sealed record Created(long RequestId) : CreationOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : CreationOutcome;

    public sealed record AlreadyMember : CreationOutcome;

    public sealed record PendingRequestExists : CreationOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : CreationOutcome;
}

/// <summary>
/// A user asks for a role in the business that owns a facility. The request goes to the business's active
/// Lead Users, or the facility's regulator when it has none (<see cref="AccessRequestRouter"/>); the
/// requester's name and email come from their token. One pending request per user and business (the
/// filtered unique index decides a race), and so many a person may make (<see cref="RequestThrottle"/>).
/// The request, its history and the approvers' emails are one transaction.
/// </summary>
public sealed class AccessRequestCreation(
    FacilityDbContext db,
    AccessRequestRouter router,
    AccessRequestEmails emails,
    IOptions<AccessRequestOptions> options,
    FacilityApiMetrics metrics,
    TimeProvider time)
{
    public async Task<CreationOutcome> CreateAsync(ApiCaller caller, CreateAccessRequestInput input, CancellationToken cancellationToken)
    {
        var errors = new RequestInput.Errors();
        var phone = RequestInput.Phone(input.Phone, "phone", required: true, errors);
        var title = RequestInput.Text(input.Title, "title", RequestInput.MaxTitleLength, required: true, errors);
        var role = RequestInput.ParseRole(input.RequestedRole, "requestedRole", errors);
        var facility = input.CersId is { } cersId
            ? await db.Facilities.AsNoTracking().Where(f => f.CersId == cersId)
                .Select(f => new { f.CersId, f.BusinessId, f.AgencyId, f.ArchivedAt }).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (input.CersId is null)
        {
            errors.Add("cersId", "cersId is required.");
        }
        else if (facility is null)
        {
            errors.Add("cersId", "No facility has this CERS ID.");
        }
        else if (facility.ArchivedAt is not null)
        {
            // Closed: found only by its regulator and its business's members, so to a person asking it is not there.
            errors.Add("cersId", "No facility has this CERS ID.");
        }

        if (errors.Any || facility is null || role is null)
        {
            return new CreationOutcome.Invalid(errors.ToDictionary());
        }

        if (await RequestThrottle.RetryAfterAsync(db, caller.Subject, options.Value, time.GetUtcNow().UtcDateTime, includingNewRequest: false,
                cancellationToken) is { } retryAfter)
        {
            return new CreationOutcome.Throttled(retryAfter);
        }

        if (await db.Memberships.AnyAsync(m => m.UserSubject == caller.Subject && m.BusinessId == facility.BusinessId
                && m.Status == MembershipStatus.Active, cancellationToken))
        {
            return new CreationOutcome.AlreadyMember();
        }

        if (await HasPendingRequestAsync(caller.Subject, facility.BusinessId, cancellationToken))
        {
            return new CreationOutcome.PendingRequestExists();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var route = await router.RouteAsync(facility.BusinessId, cancellationToken);
        AccessRequest NewRequest() => new()
        {
            RequesterSubject = caller.Subject,
            RequesterName = caller.Name,
            RequesterEmail = caller.Email,
            RequesterPhone = phone,
            RequesterTitle = title,
            BusinessId = facility.BusinessId,
            FacilityCersId = facility.CersId,
            RequestedRole = role.Value,
            Status = AccessRequestStatus.Pending,
            Route = route,
            // Always the facility's agency: regulators may decide any request in their jurisdiction.
            AgencyId = facility.AgencyId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            Events =
            [
                new AccessRequestEvent
                {
                    OccurredAt = now,
                    Kind = AccessRequestEventKind.Created,
                    ActorSubject = caller.Subject,
                    ActorName = caller.Name,
                    Status = AccessRequestStatus.Pending,
                    Detail = $"Requested {role.Value}; routed to {route}.",
                },
            ],
        };

        try
        {
            // The request first (its id names the emails), then the approvers' emails, in one transaction.
            // Each attempt starts from nothing tracked (the transaction contract) and adds the request anew, so
            // a retry neither skips the insert nor writes an email twice.
            var created = new CreationOutcome.Created(await db.InTransactionAsync(async ct =>
            {
                // One requester's submissions take turns, so each count below sees the ones committed before it (on a
                // server engine, two transactions would otherwise each count only their own new row).
                await db.LockAsync($"access-requests:{caller.Subject}", ct);

                // Under the facility's lock, which its transfers and archiving take: a request never lands on a business that
                // no longer has the facility (after the transfer closed the requests through it) nor on a closed facility.
                await db.LockAsync($"facility:{facility.CersId.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);
                if (!await db.Facilities.AnyAsync(f => f.CersId == facility.CersId && f.BusinessId == facility.BusinessId && f.ArchivedAt == null, ct))
                {
                    throw new FacilityChangedException();
                }

                var request = NewRequest();
                db.AccessRequests.Add(request);
                await db.SaveChangesAsync(ct);
                if (await RequestThrottle.RetryAfterAsync(db, caller.Subject, options.Value, now, includingNewRequest: true, ct) is { } late)
                {
                    throw new RequestThrottledException(late);
                }

                await emails.AddCreatedAsync(request.Id, ct);
                await db.SaveChangesAsync(ct);
                return request.Id;
            }, cancellationToken));
            metrics.Created(route);
            return created;
        }
        catch (FacilityChangedException)
        {
            return new CreationOutcome.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["cersId"] = ["The facility moved to another business or closed while you asked; search for it again."],
            });
        }
        catch (RequestThrottledException throttled)
        {
            // Requests sent at once passed the first check together; this one came after the limit and was rolled back.
            return new CreationOutcome.Throttled(throttled.RetryAfter);
        }
        catch (DbUpdateException)
        {
            // A simultaneous submission got in first and the filtered unique index refused this one;
            // any other failure is not a conflict and goes on up.
            if (!await HasPendingRequestAsync(caller.Subject, facility.BusinessId, CancellationToken.None))
            {
                throw;
            }

            return new CreationOutcome.PendingRequestExists();
        }
    }

    private Task<bool> HasPendingRequestAsync(string subject, int businessId, CancellationToken cancellationToken) =>
        db.AccessRequests.AnyAsync(r => r.RequesterSubject == subject && r.BusinessId == businessId
            && r.Status == AccessRequestStatus.Pending, cancellationToken);
}

/// <summary>Thrown inside a request's transaction to roll it back when the facility changed hands or closed meanwhile.</summary>
internal sealed class FacilityChangedException : Exception;
