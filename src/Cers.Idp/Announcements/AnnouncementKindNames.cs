namespace Cers.Idp.Announcements;

/// <summary>What CERS Central and the admin page call each <see cref="AnnouncementKind"/>.</summary>
public static class AnnouncementKindNames
{
    /// <summary>The heading of a group on CERS Central: "Alerts", "Outages", ...</summary>
    public static string Heading(this AnnouncementKind kind) => kind switch
    {
        AnnouncementKind.Alert => "Alerts",
        AnnouncementKind.Outage => "Outages",
        AnnouncementKind.ScheduleChange => "Operating schedule changes",
        _ => "Announcements",
    };

    /// <summary>One notice of the kind: "Alert", "Outage", ...</summary>
    public static string Label(this AnnouncementKind kind) => kind switch
    {
        AnnouncementKind.Alert => "Alert",
        AnnouncementKind.Outage => "Outage",
        AnnouncementKind.ScheduleChange => "Operating schedule change",
        _ => "Announcement",
    };
}
