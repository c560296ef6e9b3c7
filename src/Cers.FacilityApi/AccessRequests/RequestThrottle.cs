using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// How many access requests a person may make (<see cref="AccessRequestOptions.MaxPerHour"/>,
/// <see cref="AccessRequestOptions.MaxPerDay"/>), counted from the requests themselves, so every instance
/// of the API counts the same and a restart forgets nothing. Withdrawn requests count too: asking and
/// withdrawing again and again is the loop that would flood the approvers' mailboxes. Checked before the
/// request is written (a cheap refusal) and again after, in its transaction, with the new row counted, so
/// requests sent at once cannot all slip past the first check.
/// </summary>
public static class RequestThrottle
{
    /// <summary>
    /// Null while the person may ask; otherwise how long until the oldest request in the full window ages out.
    /// <paramref name="includingNewRequest"/>: the request being made is already among the stored ones.
    /// </summary>
    public static Task<TimeSpan?> RetryAfterAsync(FacilityDbContext db, string subject, AccessRequestOptions options, DateTime now,
        bool includingNewRequest, CancellationToken cancellationToken)
    {
        var extra = includingNewRequest ? 1 : 0;
        return RetryAfterAsync(db.AccessRequests.AsNoTracking().Where(r => r.RequesterSubject == subject).Select(r => r.CreatedAt),
            options.MaxPerHour + extra, options.MaxPerDay + extra, now, cancellationToken);
    }

    /// <summary>
    /// The one window rule of every limit here (a person's requests, a business's invitations and transfer requests): null while
    /// fewer than <paramref name="perHour"/> of <paramref name="createdAt"/> fall in the last hour and fewer than
    /// <paramref name="perDay"/> in the last day; otherwise how long until the oldest one in the full window ages out.
    /// </summary>
    public static async Task<TimeSpan?> RetryAfterAsync(IQueryable<DateTime> createdAt, int perHour, int perDay, DateTime now,
        CancellationToken cancellationToken)
    {
        var dayAgo = now.AddDays(-1);
        var recent = await createdAt.Where(at => at > dayAgo).OrderByDescending(at => at).Take(perDay).ToListAsync(cancellationToken);
        if (recent.Count >= perDay)
        {
            return recent[perDay - 1].AddDays(1) - now;
        }

        var hourAgo = now.AddHours(-1);
        var lastHour = recent.Where(at => at > hourAgo).ToList();
        return lastHour.Count >= perHour ? lastHour[perHour - 1].AddHours(1) - now : null;
    }
}

/// <summary>Thrown inside a request's transaction to roll it back when the second throttle check refuses it.</summary>
public sealed class RequestThrottledException(TimeSpan retryAfter) : Exception("The requester's access-request limit is reached.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
