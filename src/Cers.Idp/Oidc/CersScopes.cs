using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cers.Idp.Oidc;

/// <summary>The scopes, resource and claim names every CERS client and the facility API agree on.</summary>
public static class CersScopes
{
    public const string FacilityRead = "facility.read";
    public const string FacilityAccess = "facility.access";
    public const string FacilityRegulator = "facility.regulator";

    /// <summary>The audience of every access token that carries a facility scope (RFC 9068 section 2.2).</summary>
    public const string FacilityApiAudience = "cers-facility-api";

    public const string AgencyCodeClaim = "cupa";
    public const string RegulatorRole = "regulator";
    public const string CersAdminRole = "cers-admin";

    public static readonly IReadOnlySet<string> FacilityScopes =
        new HashSet<string>(StringComparer.Ordinal) { FacilityRead, FacilityAccess, FacilityRegulator };

    /// <summary>Every scope a client may be configured with.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, Scopes.Roles,
        FacilityRead, FacilityAccess, FacilityRegulator,
    };
}
