using System.ComponentModel.DataAnnotations;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// The <c>AccessRequests</c> section: when the jobs remind approvers (N), escalate a Lead-User-routed
/// request to the regulator (M) and expire a request (K), counted from when it was made.
/// </summary>
public sealed class AccessRequestOptions
{
    public const string SectionName = "AccessRequests";

    /// <summary>N: approvers are reminded when a request has waited this long, and again each time as long again passes.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>M: a request no Lead User decided in this long goes to the facility's regulator too.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>K: a request still pending this long expires; the requester may ask again.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "730.00:00:00")]
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromDays(60);

    /// <summary>
    /// Most requests one person may make in an hour: each one emails the business's Lead Users or the regulator,
    /// so a create-and-withdraw loop must not become a way to flood their mailboxes.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPerHour { get; set; } = 5;

    /// <summary>Most requests one person may make in 24 hours.</summary>
    [Range(1, 10000)]
    public int MaxPerDay { get; set; } = 20;

    /// <summary>Requests one job transaction handles; the jobs never load every pending request at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// The Business Portal's address, linked from the emails so approvers and requesters can act;
    /// emails carry no link when it is not set.
    /// </summary>
    [Url]
    public string? PortalUrl { get; set; }
}
