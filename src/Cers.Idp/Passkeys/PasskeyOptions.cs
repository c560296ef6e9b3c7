using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Passkeys;

/// <summary>
/// The <c>Passkeys</c> section: who the provider is as a WebAuthn relying party. The RP ID is the provider's
/// host name (WebAuthn Level 3 section 5.1.4: a registrable domain suffix of the origin, never an IP address);
/// the origins are the exact scheme://host[:port] values a browser may report in its client data, so an
/// assertion made for a look-alike site, or replayed through one, is refused (section 7.2 step 13).
/// </summary>
public sealed class PasskeyOptions
{
    public const string SectionName = "Passkeys";

    /// <summary>The RP ID, e.g. <c>cers-idp.example.gov</c>.</summary>
    [Required(ErrorMessage = "Passkeys:RelyingPartyId is required (the provider's host name, e.g. cers-idp.example.gov).")]
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$",
        ErrorMessage = "Passkeys:RelyingPartyId must be a host name (no scheme, port or path, and not an IP address).")]
    public string RelyingPartyId { get; set; } = "";

    /// <summary>The origins pages are served from, e.g. <c>https://cers-idp.example.gov</c>; each must belong to the RP ID.</summary>
    [MinLength(1, ErrorMessage = "Passkeys:Origins needs at least one origin, e.g. https://cers-idp.example.gov.")]
    public List<string> Origins { get; set; } = [];

    /// <summary>How long after signing in a person may add a passkey without entering their password again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan ReauthenticationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the browser has to answer a challenge; the challenge is refused after that.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan CeremonyLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the configuration is coherent: every origin an absolute <c>scheme://host[:port]</c> whose host is the
    /// RP ID or a subdomain of it, and over HTTPS unless it is loopback (<c>localhost</c>, a secure context for browsers).
    /// </summary>
    public string? Problem()
    {
        if (System.Net.IPAddress.TryParse(RelyingPartyId, out _))
        {
            return $"Passkeys:RelyingPartyId '{RelyingPartyId}' is an IP address; browsers accept only a host name as the RP ID.";
        }

        foreach (var origin in Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.PathAndQuery != "/" || origin.EndsWith('/')
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return $"Passkeys:Origins entry '{origin}' must be an origin such as https://cers-idp.example.gov (no path, no trailing slash).";
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                return $"Passkeys:Origins entry '{origin}' must use https: browsers offer passkeys only to secure origins.";
            }

            if (!string.Equals(uri.Host, RelyingPartyId, StringComparison.OrdinalIgnoreCase)
                && !uri.Host.EndsWith("." + RelyingPartyId, StringComparison.OrdinalIgnoreCase))
            {
                return $"Passkeys:Origins entry '{origin}' is not on Passkeys:RelyingPartyId '{RelyingPartyId}'.";
            }
        }

        return null;
    }
}
