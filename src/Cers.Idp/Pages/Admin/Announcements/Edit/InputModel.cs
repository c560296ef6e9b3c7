using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.Announcements;

namespace Cers.Idp.Pages.Admin.Announcements.Edit;

/// <summary>One notice as the admin form edits it. Times are UTC; the end after the start is checked by the page.</summary>
public sealed class InputModel
{
    [Required(ErrorMessage = "Choose what kind of notice this is.")]
    [EnumDataType(typeof(AnnouncementKind), ErrorMessage = "Choose one of the kinds listed.")]
    [Display(Name = "Kind")]
    public AnnouncementKind? Kind { get; set; }

    [Required(ErrorMessage = "Enter a title.")]
    [StringLength(120, ErrorMessage = "A title has at most 120 characters.")]
    [PlainText]
    [Display(Name = "Title")]
    public string Title { get; set; } = "";

    [Required(ErrorMessage = "Enter the text of the notice.")]
    [StringLength(2000, ErrorMessage = "The text has at most 2,000 characters.")]
    [PlainParagraphs]
    [Display(Name = "Text")]
    public string Text { get; set; } = "";

    [Required(ErrorMessage = "Enter when the notice starts to show, in UTC.")]
    [Display(Name = "Show from (UTC)")]
    public DateTime? StartsAt { get; set; }

    [Required(ErrorMessage = "Enter when the notice stops showing, in UTC.")]
    [Display(Name = "Show until (UTC)")]
    public DateTime? EndsAt { get; set; }

    /// <summary>A new notice starts at the next whole hour and shows for a week.</summary>
    public static InputModel ForNew(DateTime nowUtc)
    {
        var start = new DateTime(nowUtc.Year, nowUtc.Month, nowUtc.Day, nowUtc.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        return new InputModel { Kind = AnnouncementKind.Announcement, StartsAt = start, EndsAt = start.AddDays(7) };
    }

    public static InputModel From(Announcement announcement) => new()
    {
        Kind = announcement.Kind,
        Title = announcement.Title,
        Text = announcement.Text,
        StartsAt = NoticeTimes.AsUtc(announcement.StartsAt),
        EndsAt = NoticeTimes.AsUtc(announcement.EndsAt),
    };

    /// <summary>Only after validation: every required value is there.</summary>
    public AnnouncementDraft ToDraft() => new(Kind!.Value, Title, Text, StartsAt!.Value, EndsAt!.Value);
}
