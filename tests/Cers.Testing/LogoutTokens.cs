using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Testing;

/// <summary>
/// Back-channel logout tokens as a provider writes them (OpenID Connect Back-Channel Logout 1.0 section 2.4), signed
/// with a test's key, and each of the ways a hostile or broken one differs, for the relying parties' receivers.
/// </summary>
public static class LogoutTokens
{
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";

    public static string Write(X509Certificate2 signingCertificate, string issuer, string audience, string? subject, string? sessionId,
        DateTimeOffset issuedAt, Action<Dictionary<string, object>>? change = null, string type = "logout+jwt")
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new Dictionary<string, object> { [EventType] = new Dictionary<string, object>() },
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (sessionId is not null)
        {
            claims["sid"] = sessionId;
        }

        change?.Invoke(claims);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = null,
            Expires = issuedAt.AddMinutes(2).UtcDateTime,
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(new X509SecurityKey(signingCertificate), SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Posts <paramref name="token"/> to a relying party's back-channel logout endpoint as a provider does.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri endpoint, string token) =>
        http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = token }));
}
