namespace Cers.Idp.Announcements;

public enum AnnouncementKind
{
    Alert,
    Outage,
    ScheduleChange,
    Announcement,
}

/// <summary>A notice on CERS Central, shown from <see cref="StartsAt"/> until <see cref="EndsAt"/>.</summary>
public sealed class Announcement
{
    public int Id { get; set; }

    public AnnouncementKind Kind { get; set; }

    public required string Title { get; set; }

    public required string Text { get; set; }

    /// <summary>UTC.</summary>
    public DateTime StartsAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime EndsAt { get; set; }
}
