namespace Cers.Contracts;

/// <summary>
/// The scopes and the resource the provider grants, the facility API checks and the portal asks for. Each is
/// spelled here once: a scope the provider spelled one way and the API another would quietly refuse everyone.
/// </summary>
public static class CersScopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string OfflineAccess = "offline_access";

    /// <summary>The standard scope that puts <c>role</c> and <c>cupa</c> into the ID token too.</summary>
    public const string Roles = "roles";

    public const string FacilityRead = "facility.read";
    public const string FacilityAccess = "facility.access";
    public const string FacilityRegulator = "facility.regulator";

    /// <summary>The audience of every access token that carries a facility scope (RFC 9068 section 2.2).</summary>
    public const string FacilityApiAudience = "cers-facility-api";

    public static readonly IReadOnlySet<string> FacilityScopes =
        new HashSet<string>(StringComparer.Ordinal) { FacilityRead, FacilityAccess, FacilityRegulator };

    /// <summary>Every scope a client may be configured with.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        OpenId, Profile, Email, OfflineAccess, Roles, FacilityRead, FacilityAccess, FacilityRegulator,
    };
}

/// <summary>The claims CERS adds to the standard ones, and the role claim's type.</summary>
public static class CersClaims
{
    public const string Role = "role";

    /// <summary>The regulator agency (CUPA) of regulator staff and regulator API clients, beside <see cref="CersRoles.Regulator"/>.</summary>
    public const string AgencyCode = "cupa";
}

/// <summary>The values of the <c>role</c> claim.</summary>
public static class CersRoles
{
    /// <summary>Staff or an API client of a regulator agency; their <see cref="CersClaims.AgencyCode"/> says which.</summary>
    public const string Regulator = "regulator";

    /// <summary>CalEPA help-desk staff.</summary>
    public const string CersAdmin = "cers-admin";
}
