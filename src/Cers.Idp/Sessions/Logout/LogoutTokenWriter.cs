using System.Security.Cryptography;
using Cers.Idp.Keys;
using Cers.Idp.Oidc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Sessions.Logout;

/// <summary>
/// Writes logout tokens (OpenID Connect Back-Channel Logout 1.0 section 2.4): a JWT of type <c>logout+jwt</c> signed
/// with the key that signs ID tokens, with <c>iss</c>, <c>aud</c> (the client), <c>iat</c>, <c>exp</c>, a fresh
/// <c>jti</c>, <c>sub</c>, <c>sid</c> and the back-channel logout event, and never a <c>nonce</c>.
/// </summary>
public sealed class LogoutTokenWriter(ISigningKeys keys, PublicOrigin origin, TimeProvider time)
{
    public const string TokenType = "logout+jwt";
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>How long a token is valid: it is written just before it is sent, so two minutes cover the POST and clock skew.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Write(string clientId, string userId, string sessionId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = origin.Issuer,
            Audience = clientId,
            IssuedAt = now,
            Expires = now + Lifetime,
            SigningCredentials = keys.TokenSigning,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = userId,
                ["sid"] = sessionId,
                ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
                ["events"] = new Dictionary<string, object> { [EventType] = new Dictionary<string, object>() },
            },
        });
    }
}
