using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// A signed-in user of the business portal, as the provider's access token describes them. The claims
/// mirror the provider's user access tokens (Cers.Idp ConnectEndpoints: <c>sub</c>,
/// <c>preferred_username</c>, <c>name</c>, <c>email</c>, each <c>role</c> and the <c>cupa</c> agency code,
/// the scopes, the portal's <c>client_id</c>, audience <c>cers-facility-api</c>, type <c>at+jwt</c>);
/// <see cref="FacilityApiFixture.TokenFor"/> signs them with the provider's own key.
/// </summary>
public sealed record TestUser(string Subject, string Name, string Email, string? Role = null, string? AgencyCode = null)
{
    public const string PortalScopes = "openid profile email facility.read facility.access";

    public static TestUser Create(string name = "Pat")
    {
        var id = Guid.NewGuid().ToString("N");
        return new TestUser(id, $"{name} {id[..6]}", $"{name.ToLowerInvariant()}.{id[..8]}@example.com");
    }

    /// <summary>Regulator staff of <paramref name="agencyCode"/>: <c>role=regulator</c>, <c>cupa=code</c>, as a CERS admin assigns them.</summary>
    public static TestUser Regulator(string agencyCode) => Create("Regulator") with { Role = "regulator", AgencyCode = agencyCode };

    internal string Write(string issuer, SigningCredentials signing, string scope, DateTimeOffset? issuedAt = null)
    {
        var now = (issuedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = Subject,
            ["preferred_username"] = Email,
            ["name"] = Name,
            ["email"] = Email,
            ["client_id"] = DevelopmentClients.PortalClientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["scope"] = scope,
        };
        if (Role is not null)
        {
            claims["role"] = Role;
        }

        if (AgencyCode is not null)
        {
            claims["cupa"] = AgencyCode;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "at+jwt",
            Issuer = issuer,
            Audience = ForgedAccessToken.FacilityApiAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = signing,
            Claims = claims,
        });
    }
}
