using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// An access token written by the test instead of the provider. Its defaults make a token the facility
/// API must accept (RFC 9068: <c>typ</c> <c>at+jwt</c>, the provider's issuer, audience
/// <c>cers-facility-api</c>, a current lifetime, signed with the provider's real key); each hostile
/// test changes exactly one property with <c>with { ... }</c>, so a rejection can only come from it.
/// </summary>
public sealed record ForgedAccessToken
{
    public const string FacilityApiAudience = "cers-facility-api";

    public required string Issuer { get; init; }

    /// <summary>The credentials that sign the token; <see langword="null"/> writes an unsigned <c>alg=none</c> token.</summary>
    public required SigningCredentials? Signing { get; init; }

    public string Type { get; init; } = "at+jwt";

    public string Audience { get; init; } = FacilityApiAudience;

    public string Subject { get; init; } = "forged-" + Guid.NewGuid().ToString("N")[..8];

    public string Scope { get; init; } = "facility.read facility.regulator";

    public DateTime IssuedAt { get; init; } = DateTime.UtcNow.AddMinutes(-1);

    public DateTime Expires { get; init; } = DateTime.UtcNow.AddMinutes(10);

    public string Write()
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = Type,
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = IssuedAt,
            NotBefore = IssuedAt,
            Expires = Expires,
            SigningCredentials = Signing,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = Subject,
                ["client_id"] = Subject,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["scope"] = Scope,
                ["role"] = "regulator",
                ["cupa"] = DevelopmentClients.RegulatorAgencyCode,
            },
        });
    }
}
