using System.ComponentModel.DataAnnotations;

namespace Cers.FacilityApi.Security;

/// <summary>The <c>Authentication</c> section: which provider's tokens this API accepts.</summary>
public sealed class TokenAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>The provider's issuer; its discovery document and JWKS are read from there.</summary>
    [Required]
    public Uri? Authority { get; set; }

    /// <summary>The audience every accepted access token must carry (RFC 9068 section 4).</summary>
    [Required]
    public string Audience { get; set; } = CersScopes.FacilityApiAudience;
}
