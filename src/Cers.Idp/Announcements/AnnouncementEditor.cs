using System.Globalization;
using System.Security.Claims;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Announcements;

/// <summary>What an admin typed, already checked by the form: a known kind, plain text, UTC times with the end after the start.</summary>
public sealed record AnnouncementDraft(AnnouncementKind Kind, string Title, string Text, DateTime StartsAt, DateTime EndsAt);

public enum AnnouncementPhase
{
    Scheduled,
    Current,
    Ended,
}

/// <summary>
/// CERS admins' changes to the notices on CERS Central. Each change and its audit event (who, which
/// notice) are committed together.
/// </summary>
public sealed partial class AnnouncementEditor(
    IdpDbContext db,
    AuditLog audit,
    UserManager<CersUser> users,
    ILogger<AnnouncementEditor> logger)
{
    /// <summary>The admin page lists this many, latest ending first; older ones stay in the database.</summary>
    public const int ListLimit = 200;

    public static AnnouncementPhase PhaseAt(Announcement announcement, DateTime nowUtc) =>
        announcement.StartsAt > nowUtc ? AnnouncementPhase.Scheduled
        : announcement.EndsAt > nowUtc ? AnnouncementPhase.Current
        : AnnouncementPhase.Ended;

    public async Task<IReadOnlyList<Announcement>> ListAsync(CancellationToken cancellationToken) =>
        await db.Announcements.AsNoTracking()
            .OrderByDescending(a => a.EndsAt)
            .ThenByDescending(a => a.Id)
            .Take(ListLimit)
            .ToListAsync(cancellationToken);

    public Task<Announcement?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Announcements.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);

    /// <returns>The new notice's id.</returns>
    public async Task<int> CreateAsync(AnnouncementDraft draft, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        var announcement = new Announcement { Title = "", Text = "" };
        Apply(announcement, draft);
        var userName = users.GetUserName(admin);
        await db.InTransactionAsync(async ct =>
        {
            db.Announcements.Add(announcement);
            await db.SaveChangesAsync(ct);
            audit.Add(AuditKinds.AnnouncementChanged, users.GetUserId(admin), userName, Detail("created", announcement.Id));
            await db.SaveChangesAsync(ct);
        }, cancellationToken);

        LogChanged(logger, "created", announcement.Id, userName);
        return announcement.Id;
    }

    /// <returns>False when there is no such notice (deleted meanwhile).</returns>
    public async Task<bool> UpdateAsync(int id, AnnouncementDraft draft, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        var announcement = await db.Announcements.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (announcement is null)
        {
            return false;
        }

        Apply(announcement, draft);
        var userName = users.GetUserName(admin);
        audit.Add(AuditKinds.AnnouncementChanged, users.GetUserId(admin), userName, Detail("updated", id));
        await db.SaveChangesAsync(cancellationToken);
        LogChanged(logger, "updated", id, userName);
        return true;
    }

    /// <returns>False when there is no such notice (deleted meanwhile).</returns>
    public async Task<bool> DeleteAsync(int id, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        var announcement = await db.Announcements.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (announcement is null)
        {
            return false;
        }

        db.Announcements.Remove(announcement);
        var userName = users.GetUserName(admin);
        audit.Add(AuditKinds.AnnouncementChanged, users.GetUserId(admin), userName, Detail("deleted", id));
        await db.SaveChangesAsync(cancellationToken);
        LogChanged(logger, "deleted", id, userName);
        return true;
    }

    private static void Apply(Announcement announcement, AnnouncementDraft draft)
    {
        announcement.Kind = draft.Kind;
        announcement.Title = draft.Title.Trim();

        // Browsers send a textarea's line breaks as CR LF; one form is stored, and shown as line breaks.
        announcement.Text = draft.Text.Trim().ReplaceLineEndings("\n");
        announcement.StartsAt = NoticeTimes.AsUtc(draft.StartsAt);
        announcement.EndsAt = NoticeTimes.AsUtc(draft.EndsAt);
    }

    /// <summary>The audit event's detail, e.g. <c>created 12</c>.</summary>
    private static string Detail(string change, int id) => string.Create(CultureInfo.InvariantCulture, $"{change} {id}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Announcement {Change} {AnnouncementId} by {UserName}")]
    private static partial void LogChanged(ILogger logger, string change, int announcementId, string? userName);
}
