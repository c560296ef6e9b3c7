namespace Cers.Idp.Sessions;

/// <summary>
/// One sign-in at the provider, kept in the database so every instance agrees whether it is still going and so it can
/// be listed and ended from anywhere: the session cookie only names it (<see cref="SessionClaims.SessionId"/>). A
/// session that is ended is deleted, with the links to its authorizations; a missing row means "ended".
/// </summary>
public sealed class ProviderSession
{
    /// <summary>Random and unguessable; published as the ID tokens' <c>sid</c> (OpenID Connect Front- and Back-Channel Logout).</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>UTC, when the session began.</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>UTC, the last request seen in it, to within <see cref="ProviderSessions.LastSeenResolution"/>.</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>UTC, when it ends however active it is (<c>Sessions:AbsoluteLifetime</c> after the last sign-in in it).</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>The client's address at the last update, as the audit log keeps it.</summary>
    public string? IpAddress { get; set; }

    /// <summary>The browser in words ("Chromium on Linux"), from its user agent; the raw header is not kept.</summary>
    public required string Browser { get; set; }

    public List<SessionAuthorization> Authorizations { get; set; } = [];
}

/// <summary>
/// An OpenIddict authorization (and so every code, refresh and access token under it) issued in a session: ending the
/// session revokes these, and the client ids say which relying parties took part in it.
/// </summary>
public sealed class SessionAuthorization
{
    public required string SessionId { get; set; }

    public required string AuthorizationId { get; set; }

    public required string ClientId { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    public ProviderSession? Session { get; set; }
}

public static class SessionClaims
{
    /// <summary>The session's id, in the session cookie and in the ID, code and refresh tokens issued in it.</summary>
    public const string SessionId = "sid";
}
