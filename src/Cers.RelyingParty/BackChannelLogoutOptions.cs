using System.ComponentModel.DataAnnotations;

namespace Cers.RelyingParty;

/// <summary>The <c>BackChannelLogout</c> section of a relying party.</summary>
public sealed class BackChannelLogoutOptions
{
    public const string SectionName = "BackChannelLogout";

    /// <summary>
    /// The oldest logout token taken, by its <c>iat</c>: the provider signs each delivery attempt afresh, so only a
    /// replayed or held-back token is older. Its <c>jti</c> is remembered this long (plus the skew) to refuse replays.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A logout token is a few hundred bytes; anything near this is not one.</summary>
    public int MaxTokenLength { get; set; } = 8 * 1024;
}
