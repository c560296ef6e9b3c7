using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.RelyingParty;

/// <summary>What a valid logout token names: a session (<c>sid</c>), an account (<c>sub</c>), or both; and its <c>jti</c>.</summary>
public sealed record LogoutTokenClaims(string? SessionId, string? Subject, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>Why a logout token was refused; the text goes back to the provider as <c>error_description</c>.</summary>
public sealed record LogoutTokenResult(LogoutTokenClaims? Claims, string? Error)
{
    public static LogoutTokenResult Refused(string error) => new(null, error);
}

/// <summary>
/// Validates a logout token exactly as OpenID Connect Back-Channel Logout 1.0 section 2.6 says, for the OpenID Connect
/// scheme whose client received it: a JWT typed <c>logout+jwt</c>, signed with a key of the provider's JWKS (the JWKS is
/// fetched again once for a key it does not hold, so a key the provider has just rotated in is found), issued by the
/// provider, for this client, issued within <see cref="BackChannelLogoutOptions.MaxTokenAge"/> and not expired, with the
/// back-channel logout event, a <c>sub</c> or a <c>sid</c>, a <c>jti</c>, and no <c>nonce</c> (which would make it an ID token).
/// Replay is the caller's to refuse (<see cref="BackChannelLogout"/>).
/// </summary>
public sealed class LogoutTokenValidator(IOptionsMonitor<OpenIdConnectOptions> schemes, IOptions<BackChannelLogoutOptions> options, TimeProvider time)
{
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";
    public const string TokenType = "logout+jwt";

    /// <summary>RFC 7515 allows the <c>application/</c> prefix on <c>typ</c>.</summary>
    private static readonly string[] TokenTypes = [TokenType, "application/" + TokenType];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<LogoutTokenResult> ValidateAsync(string scheme, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > options.Value.MaxTokenLength || !_handler.CanReadToken(token))
        {
            return LogoutTokenResult.Refused("logout_token is missing or is not a JWT.");
        }

        var oidc = schemes.Get(scheme);
        var manager = oidc.ConfigurationManager ?? throw new InvalidOperationException($"The {scheme} scheme has no configuration manager.");
        var validation = await ValidateSignedAsync(token, oidc, await manager.GetConfigurationAsync(cancellationToken));
        if (validation.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the provider has published since the JWKS was read: read it again, once.
            manager.RequestRefresh();
            validation = await ValidateSignedAsync(token, oidc, await manager.GetConfigurationAsync(cancellationToken));
        }

        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken jwt)
        {
            return LogoutTokenResult.Refused("The logout token's type, signature, issuer or audience is not valid.");
        }

        return Check(jwt);
    }

    private Task<TokenValidationResult> ValidateSignedAsync(string token, OpenIdConnectOptions oidc, Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration) =>
        _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = oidc.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidTypes = TokenTypes,
            // Times are checked below on the service's clock, with the token's age bounded as well.
            ValidateLifetime = false,
        });

    private LogoutTokenResult Check(JsonWebToken jwt)
    {
        var now = time.GetUtcNow();
        var skew = options.Value.ClockSkew;
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat)
            || DateTimeOffset.FromUnixTimeSeconds(iat) is var issuedAt && (issuedAt > now + skew || issuedAt < now - options.Value.MaxTokenAge))
        {
            return LogoutTokenResult.Refused("The logout token's iat is missing or outside the accepted window.");
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) || DateTimeOffset.FromUnixTimeSeconds(exp) < now - skew)
        {
            return LogoutTokenResult.Refused("The logout token has no exp or has expired.");
        }

        if (!jwt.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(EventType, out var logout) || logout.ValueKind != JsonValueKind.Object)
        {
            return LogoutTokenResult.Refused("The logout token has no back-channel logout event.");
        }

        if (jwt.TryGetClaim(JwtRegisteredClaimNames.Nonce, out _))
        {
            return LogoutTokenResult.Refused("A logout token must not carry a nonce.");
        }

        var sid = jwt.TryGetPayloadValue<string>("sid", out var s) && s is { Length: > 0 } ? s : null;
        var sub = jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var u) && u is { Length: > 0 } ? u : null;
        if (sid is null && sub is null)
        {
            return LogoutTokenResult.Refused("The logout token names neither a session (sid) nor an account (sub).");
        }

        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 200)
        {
            return LogoutTokenResult.Refused("The logout token has no jti.");
        }

        return new LogoutTokenResult(new LogoutTokenClaims(sid, sub, jti, DateTimeOffset.FromUnixTimeSeconds(exp)), null);
    }
}
