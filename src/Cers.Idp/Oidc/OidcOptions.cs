using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Oidc;

public enum ClientKind
{
    /// <summary>A confidential web app signing users in: authorization code + PKCE, refresh tokens.</summary>
    WebApp,

    /// <summary>A confidential machine client (a regulator agency's system): client_credentials.</summary>
    Machine,
}

/// <summary>The <c>Oidc</c> section: token lifetimes and the clients seeded at start-up.</summary>
public sealed class OidcOptions
{
    public const string SectionName = "Oidc";

    /// <summary>
    /// The issuer; set it in production behind a load balancer so every instance names the same one.
    /// When empty the issuer is the address the request came to.
    /// </summary>
    public Uri? Issuer { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public List<ClientOptions> Clients { get; set; } = [];
}

public sealed class ClientOptions
{
    [Required, RegularExpression("^[a-z0-9][a-z0-9._-]{2,63}$",
        ErrorMessage = "ClientId must be 3-64 lower-case letters, digits, '.', '_' or '-'.")]
    public string ClientId { get; set; } = "";

    [Required]
    public string DisplayName { get; set; } = "";

    public ClientKind Kind { get; set; } = ClientKind.WebApp;

    /// <summary>
    /// At least 32 characters of randomness. Because it is machine-generated and high-entropy it is
    /// stored as a SHA-256 digest rather than a slow password hash (see <see cref="CersApplicationManager{TApplication}"/>).
    /// Required for a web app; a machine client may use <see cref="JsonWebKeySet"/> instead, or both.
    /// </summary>
    [MinLength(32)]
    public string? ClientSecret { get; set; }

    /// <summary>
    /// For a machine client authenticating with <c>private_key_jwt</c> (RFC 7523 section 2.2): a JSON Web
    /// Key Set holding the client's public key(s), with which its signed client assertions are checked.
    /// </summary>
    public string? JsonWebKeySet { get; set; }

    public List<Uri> RedirectUris { get; set; } = [];

    public List<Uri> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>
    /// For a web app: where it takes logout tokens (OpenID Connect Back-Channel Logout 1.0). When a provider session in
    /// which it received tokens ends, however it ends, the provider POSTs it a logout token naming the session
    /// (<c>sid</c>) and the account (<c>sub</c>), retrying until it answers 200 (<c>LogoutDelivery</c> section).
    /// </summary>
    public Uri? BackChannelLogoutUri { get; set; }

    [MinLength(1)]
    public List<string> Scopes { get; set; } = [];

    /// <summary>For a regulator's machine client: the agency (CUPA) code carried in its tokens.</summary>
    public string? AgencyCode { get; set; }
}
