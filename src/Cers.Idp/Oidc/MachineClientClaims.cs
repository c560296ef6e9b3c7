using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cers.Idp.Oidc;

/// <summary>
/// What an access token says about a regulator's machine client (client_credentials): its id as <c>sub</c>,
/// its display name, its agency (<c>role=regulator</c> and the <c>cupa</c> code), and the scopes granted. Both
/// issuers of these tokens, <see cref="ClientCredentialsFastPath"/> and OpenIddict's own pipeline
/// (<c>ConnectEndpoints</c>), take their claims from here, so the two cannot drift apart.
/// </summary>
public sealed record MachineClientClaims(string ClientId, string? Name, string? AgencyCode, IReadOnlyList<string> Scopes)
{
    public static async Task<MachineClientClaims> ReadAsync(IOpenIddictApplicationManager applications, object application, string clientId,
        IEnumerable<string> scopes, CancellationToken cancellationToken)
    {
        var name = await applications.GetDisplayNameAsync(application, cancellationToken);
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var agency = properties.TryGetValue(ClientSeeder.AgencyCodeProperty, out var value) && value.GetString() is { Length: > 0 } code ? code : null;
        return new MachineClientClaims(clientId, string.IsNullOrEmpty(name) ? null : name, agency, [.. scopes.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>Whether the token is for the facility API (RFC 9068 section 2.2: its audience).</summary>
    public bool ForFacilityApi => Scopes.Any(CersScopes.FacilityScopes.Contains);

    /// <summary>The claims as name-value pairs, for a token written directly (the fast path).</summary>
    public IEnumerable<KeyValuePair<string, object>> Pairs()
    {
        yield return new(Claims.Subject, ClientId);
        if (Name is not null)
        {
            yield return new(Claims.Name, Name);
        }

        if (AgencyCode is not null)
        {
            yield return new(Claims.Role, CersRoles.Regulator);
            yield return new(CersClaims.AgencyCode, AgencyCode);
        }
    }

    /// <summary>The claims as an identity for OpenIddict to sign, every one destined for the access token only.</summary>
    public ClaimsIdentity ToIdentity()
    {
        var identity = new ClaimsIdentity(
            authenticationType: TokenValidationParametersDefaults.AuthenticationType,
            nameType: Claims.Name,
            roleType: Claims.Role);
        foreach (var (type, value) in Pairs())
        {
            identity.SetClaim(type, (string)value);
        }

        identity.SetScopes(Scopes);
        if (ForFacilityApi)
        {
            identity.SetResources(CersScopes.FacilityApiAudience);
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return identity;
    }
}
