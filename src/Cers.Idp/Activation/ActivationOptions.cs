using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Activation;

/// <summary>The <c>Activation</c> section: how long a new account may wait for activation and when it is reminded.</summary>
public sealed class ActivationOptions
{
    public const string SectionName = "Activation";

    /// <summary>A pending account not activated within this expires (DESIGN.md: 30 days).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// When reminders go out, each at most once: a positive offset counts from registration, a negative
    /// one back from expiry. Default: day 7, and 3 days before expiry (day 27). Starts empty because the
    /// configuration binder appends to a list rather than replacing it; the defaults are filled in after
    /// binding when nothing is configured.
    /// </summary>
    public List<TimeSpan> ReminderOffsets { get; set; } = [];

    public static readonly IReadOnlyList<TimeSpan> DefaultReminderOffsets = [TimeSpan.FromDays(7), TimeSpan.FromDays(-3)];

    /// <summary>Shortest time between two activation emails to one account (the resend button).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Accounts one job transaction handles; the jobs never load all pending accounts at once. Larger batches expire a
    /// backlog faster (a million pending accounts: about 45 s on SQLite and 37 s on PostgreSQL in batches of 2,000,
    /// 97 s on SQLite in batches of 500) and hold SQLite's write lock longer per batch (tens of milliseconds).
    /// </summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 2000;

    /// <summary>The reminder moments as offsets from registration, in the order they fall.</summary>
    public IReadOnlyList<TimeSpan> ReminderTimesFromRegistration() =>
        [.. ReminderOffsets.Select(o => o < TimeSpan.Zero ? Window + o : o).Distinct().Order()];
}
