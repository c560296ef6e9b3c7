using System.Linq.Expressions;
using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Announcements;

/// <summary>The notices CERS Central shows now: started, not yet ended, most severe kind first.</summary>
public sealed class CurrentAnnouncements(IdpDbContext db, TimeProvider time)
{
    /// <summary>CERS Central is a front page, not an archive: past this many, the oldest of the least severe are left off.</summary>
    public const int Limit = 50;

    /// <summary>
    /// The kind is stored by name, so ordering by the column would be alphabetical; this ranks it by
    /// severity (the enum's order) inside the query, so the limit drops the least severe notices.
    /// </summary>
    private static readonly Expression<Func<Announcement, int>> Severity = a =>
        a.Kind == AnnouncementKind.Alert ? 0
        : a.Kind == AnnouncementKind.Outage ? 1
        : a.Kind == AnnouncementKind.ScheduleChange ? 2
        : 3;

    public async Task<IReadOnlyList<Announcement>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Announcements.AsNoTracking()
            .Where(a => a.StartsAt <= now && now < a.EndsAt)
            .OrderBy(Severity)
            .ThenBy(a => a.StartsAt)
            .ThenBy(a => a.Id)
            .Take(Limit)
            .ToListAsync(cancellationToken);
    }
}
