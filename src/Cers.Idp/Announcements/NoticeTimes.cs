using System.Globalization;

namespace Cers.Idp.Announcements;

/// <summary>
/// How notice times read. They are stored in UTC (SQLite hands them back without a kind, hence
/// <see cref="AsUtc"/>); the admin page works in UTC, which has no daylight-saving gaps or repeats,
/// and CERS Central shows them in California time for the businesses reading it.
/// </summary>
public static class NoticeTimes
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    private static readonly TimeZoneInfo? Pacific = FindPacific();

    public static DateTime AsUtc(DateTime stored) => DateTime.SpecifyKind(stored, DateTimeKind.Utc);

    /// <summary>For the admin page and its inputs: <c>2026-12-01 08:00 UTC</c>.</summary>
    public static string Utc(DateTime stored) => AsUtc(stored).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>For CERS Central: <c>Tuesday, December 1, 2026, 12:00 AM PST</c> (UTC where the zone data is missing).</summary>
    public static string California(DateTime stored)
    {
        var utc = AsUtc(stored);
        if (Pacific is null)
        {
            return utc.ToString("dddd, MMMM d, yyyy, h:mm tt 'UTC'", English);
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, Pacific);
        return local.ToString("dddd, MMMM d, yyyy, h:mm tt ", English) + (Pacific.IsDaylightSavingTime(local) ? "PDT" : "PST");
    }

    /// <summary>The machine-readable form for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTime stored) => AsUtc(stored).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static TimeZoneInfo? FindPacific()
    {
        foreach (var id in (string[])["America/Los_Angeles", "Pacific Standard Time"])
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                return zone;
            }
        }

        return null;
    }
}
