namespace Cers.Idp.Sessions.Logout;

/// <summary>
/// A back-channel logout a relying party is owed (OpenID Connect Back-Channel Logout 1.0): written in the transaction that
/// ends the session, for each client that received tokens in it and registered a back-channel logout URI, and delivered
/// by <see cref="BackChannelLogoutJob"/>, retried until the relying party answers 200 or <see cref="LogoutDeliveryOptions.GiveUpAfter"/>
/// has passed. The logout token itself is written at each attempt (fresh <c>iat</c> and <c>jti</c>), so a relying party that
/// was down for an hour still receives a token inside its acceptance window.
/// </summary>
public sealed class LogoutNotification
{
    public long Id { get; set; }

    public required string ClientId { get; set; }

    /// <summary>The account: the logout token's <c>sub</c>.</summary>
    public required string UserId { get; set; }

    /// <summary>The ended session: the logout token's <c>sid</c>.</summary>
    public required string SessionId { get; set; }

    /// <summary>UTC, when the session ended.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC. Due when in the past; a claim pushes it forward by the claim lease, a failure by the backoff.</summary>
    public DateTime NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>UTC, when the relying party answered 200.</summary>
    public DateTime? DeliveredAt { get; set; }

    /// <summary>UTC, when delivery was given up (too old, or the client no longer has a back-channel logout URI).</summary>
    public DateTime? AbandonedAt { get; set; }

    public Guid? ClaimToken { get; set; }

    /// <summary>The last failure in words (status code or connection error); never the token.</summary>
    public string? LastError { get; set; }
}
