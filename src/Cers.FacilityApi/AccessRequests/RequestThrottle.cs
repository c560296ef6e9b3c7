using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// How many access requests a person may make (<see cref="AccessRequestOptions.MaxPerHour"/>,
/// <see cref="AccessRequestOptions.MaxPerDay"/>), counted from the requests themselves, so every instance
/// of the API counts the same and a restart forgets nothing. Withdrawn requests count too: asking and
/// withdrawing again and again is the loop that would flood the approvers' mailboxes.
/// </summary>
public static class RequestThrottle
{
    /// <summary>Null while the person may ask; otherwise how long until the oldest request in the full window ages out.</summary>
    public static async Task<TimeSpan?> RetryAfterAsync(FacilityDbContext db, string subject, AccessRequestOptions options, DateTime now,
        CancellationToken cancellationToken)
    {
        var dayAgo = now.AddDays(-1);
        var recent = await db.AccessRequests.AsNoTracking()
            .Where(r => r.RequesterSubject == subject && r.CreatedAt > dayAgo)
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => r.CreatedAt)
            .Take(options.MaxPerDay)
            .ToListAsync(cancellationToken);
        if (recent.Count >= options.MaxPerDay)
        {
            return recent[options.MaxPerDay - 1].AddDays(1) - now;
        }

        var hourAgo = now.AddHours(-1);
        var lastHour = recent.Where(at => at > hourAgo).ToList();
        return lastHour.Count >= options.MaxPerHour ? lastHour[options.MaxPerHour - 1].AddHours(1) - now : null;
    }
}
