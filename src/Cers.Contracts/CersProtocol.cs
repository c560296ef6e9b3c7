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

    /// <summary>The standard scope (OpenID Connect Core section 5.4) that releases <c>phone_number</c> and <c>phone_number_verified</c>.</summary>
    public const string Phone = "phone";

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
        OpenId, Profile, Email, Phone, OfflineAccess, Roles, FacilityRead, FacilityAccess, FacilityRegulator,
    };
}

/// <summary>The claims CERS adds to the standard ones, and the role claim's type.</summary>
public static class CersClaims
{
    public const string Role = "role";

    /// <summary>The regulator agency (CUPA) of regulator staff and regulator API clients, beside <see cref="CersRoles.Regulator"/>.</summary>
    public const string AgencyCode = "cupa";

    /// <summary>
    /// The person's job title as their profile states it, released with <c>profile</c>: OpenID Connect has no standard
    /// claim for it. The portal offers it (and <c>phone_number</c>) as the title and phone of an access request.
    /// </summary>
    public const string Title = "title";
}

/// <summary>The values of the <c>role</c> claim.</summary>
public static class CersRoles
{
    /// <summary>Staff or an API client of a regulator agency; their <see cref="CersClaims.AgencyCode"/> says which.</summary>
    public const string Regulator = "regulator";

    /// <summary>CalEPA help-desk staff.</summary>
    public const string CersAdmin = "cers-admin";
}

/// <summary>
/// How a person proved who they are: the <c>amr</c> values (RFC 8176 section 2) the provider's session and ID
/// tokens carry, one per method used. A recovery code (a look-up secret, NIST SP 800-63B section 5.1.2) is a
/// second factor but has no RFC 8176 value of its own: a sign-in with one carries <see cref="Password"/> and
/// <see cref="MultiFactor"/> only, so nobody reads it as an authenticator app's code.
/// </summary>
public static class CersAuthenticationMethods
{
    /// <summary>The claim type, in the session cookie and in ID tokens.</summary>
    public const string ClaimType = "amr";

    public const string Password = "pwd";

    /// <summary>A one-time code from an authenticator app (TOTP, RFC 6238).</summary>
    public const string OneTimePassword = "otp";

    /// <summary>A passkey bound to hardware.</summary>
    public const string HardwareKey = "hwk";

    /// <summary>A passkey held in software (a synced passkey).</summary>
    public const string SoftwareKey = "swk";

    /// <summary>Two factors were used, or a passkey that verified the person (RFC 8176: "mfa").</summary>
    public const string MultiFactor = "mfa";
}

/// <summary>
/// The <c>acr</c> values (OpenID Connect Core section 2) the provider issues and a relying party may ask for
/// with <c>acr_values</c>: the jobs dashboard asks for <see cref="MultiFactor"/> and checks it got it.
/// </summary>
public static class CersAuthenticationLevels
{
    /// <summary>The session was started with a password (or another single factor) only.</summary>
    public const string Password = "urn:cers:acr:password";

    /// <summary>The session has a second factor (<c>amr</c> holds <c>mfa</c>).</summary>
    public const string MultiFactor = "urn:cers:acr:mfa";

    public static readonly IReadOnlyList<string> All = [Password, MultiFactor];
}
