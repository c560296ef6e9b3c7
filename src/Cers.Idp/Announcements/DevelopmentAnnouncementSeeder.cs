using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Announcements;

/// <summary>
/// Development only: when there are no notices at all, one current announcement and one scheduled
/// outage, so CERS Central and the admin page show something at first start. Nothing happens once
/// any notice exists, so a restart never duplicates them.
/// </summary>
public sealed partial class DevelopmentAnnouncementSeeder(IdpDbContext db, TimeProvider time, ILogger<DevelopmentAnnouncementSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Announcements.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var outageStart = today.AddDays(7).AddHours(14);
        db.Announcements.AddRange(
            new Announcement
            {
                Kind = AnnouncementKind.Announcement,
                Title = "Welcome to CERS Central (development)",
                Text = "This is a sample announcement seeded in Development. CERS admins manage announcements at /Admin/Announcements.",
                StartsAt = today.AddDays(-1),
                EndsAt = today.AddDays(60),
            },
            new Announcement
            {
                Kind = AnnouncementKind.Outage,
                Title = "Planned maintenance (development sample)",
                Text = $"CERS will be unavailable for up to four hours from {NoticeTimes.California(outageStart)} for planned maintenance. Submissions in progress are saved.",
                StartsAt = outageStart.AddDays(-3),
                EndsAt = outageStart.AddHours(4),
            });
        await db.SaveChangesAsync(cancellationToken);
        LogSeeded(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development sample announcements seeded")]
    private static partial void LogSeeded(ILogger logger);
}
