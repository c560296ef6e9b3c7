using Cers.Idp.Oidc;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Sessions.Logout;

/// <summary>The configured clients' back-channel logout URIs (<see cref="ClientOptions.BackChannelLogoutUri"/>), by client id.</summary>
public sealed class BackChannelLogoutClients(IOptions<OidcOptions> options)
{
    private readonly Dictionary<string, Uri> _uris = options.Value.Clients
        .Where(c => c.BackChannelLogoutUri is not null)
        .ToDictionary(c => c.ClientId, c => c.BackChannelLogoutUri!, StringComparer.Ordinal);

    /// <summary>Where <paramref name="clientId"/> takes logout tokens; null when it registered no back-channel logout URI (or no longer exists).</summary>
    public Uri? UriOf(string clientId) => _uris.GetValueOrDefault(clientId);
}
