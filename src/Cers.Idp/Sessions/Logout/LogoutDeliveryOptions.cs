using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Sessions.Logout;

/// <summary>The <c>LogoutDelivery</c> section: how the provider delivers back-channel logout tokens to relying parties.</summary>
public sealed class LogoutDeliveryOptions
{
    public const string SectionName = "LogoutDelivery";

    /// <summary>How long one POST to a relying party may take before it counts as failed and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a relying party that does not answer 200 is retried (with a doubling delay up to
    /// <see cref="MaxRetryDelay"/>) before its logout is given up: longer than any outage it should outlast,
    /// and at least the refresh-token lifetime would be the cautious choice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long delivered and abandoned logouts are kept (for operators) before the delivery job deletes them.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
