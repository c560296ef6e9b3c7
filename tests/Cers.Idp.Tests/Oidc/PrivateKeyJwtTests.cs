using System.Security.Cryptography;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Tests.Oidc;

/// <summary>Regulator machine clients may authenticate with a signed client assertion instead of a secret (RFC 7523).</summary>
public sealed class PrivateKeyJwtTests
{
    private const string ClientId = "regulator-placer-ehs";

    [Fact]
    public async Task A_machine_client_with_only_a_public_key_gets_a_token_with_a_signed_client_assertion()
    {
        using var key = RSA.Create(2048);
        using var data = new TempDirectory();
        using var host = HostWithKeyClient(data.Path, PublicJwks(key)).Start();
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };
        var assertion = Assertion(key, host.ClientOptions.BaseAddress.AbsoluteUri);

        var token = await RequestWithAssertionAsync(http, assertion);

        token.IsError.ShouldBeFalse(token.Raw);
        var jwt = new JsonWebToken(token.AccessToken);
        jwt.Subject.ShouldBe(ClientId);
        jwt.GetClaim("cupa").Value.ShouldBe("PLA-EHS");

        // The same assertion again is a replay and is refused (RFC 7523 section 3, jti).
        var replayed = await RequestWithAssertionAsync(http, assertion);
        replayed.IsError.ShouldBeTrue();
        replayed.Raw.ShouldNotBeNull().ShouldContain("\"invalid_client\"");
    }

    [Fact]
    public async Task An_assertion_signed_by_another_key_is_refused()
    {
        using var key = RSA.Create(2048);
        using var stranger = RSA.Create(2048);
        using var data = new TempDirectory();
        using var host = HostWithKeyClient(data.Path, PublicJwks(key)).Start();
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };

        var token = await RequestWithAssertionAsync(http, Assertion(stranger, host.ClientOptions.BaseAddress.AbsoluteUri));

        token.IsError.ShouldBeTrue();
        token.Raw.ShouldNotBeNull().ShouldContain("\"invalid_client\"");
        token.AccessToken.ShouldBeNull();
    }

    [Fact]
    public void A_key_set_with_private_key_material_stops_the_provider()
    {
        using var key = RSA.Create(2048);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var leaked = $$"""{"keys":[{"kty":"RSA","kid":"k1","n":"{{B64(parameters.Modulus!)}}","e":"{{B64(parameters.Exponent!)}}","d":"{{B64(parameters.D!)}}"}]}""";
        using var data = new TempDirectory();
        using var host = HostWithKeyClient(data.Path, leaked);

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Oidc:Clients:3:JsonWebKeySet: it contains private or symmetric key material");
    }

    private static IdpHost HostWithKeyClient(string directory, string jwks) => new(directory, KeyClientSettings(jwks), kestrel: true);

    /// <summary>A machine client that authenticates with <c>private_key_jwt</c> only, its public keys being <paramref name="jwks"/>.</summary>
    internal static Dictionary<string, string?> KeyClientSettings(string jwks) =>
        new()
        {
            ["Oidc:Clients:3:ClientId"] = ClientId,
            ["Oidc:Clients:3:DisplayName"] = "Placer County EHS",
            ["Oidc:Clients:3:Kind"] = "Machine",
            ["Oidc:Clients:3:AgencyCode"] = "PLA-EHS",
            ["Oidc:Clients:3:JsonWebKeySet"] = jwks,
            ["Oidc:Clients:3:Scopes:0"] = "facility.read",
        };

    internal static Task<TokenResponse> RequestWithAssertionAsync(HttpClient http, string assertion) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "connect/token",
            ClientId = ClientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            ClientAssertion = new ClientAssertion { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = assertion },
            Scope = "facility.read",
        });

    /// <summary>
    /// A client assertion as OpenIddict 7 accepts it (draft-ietf-oauth-rfc7523bis): typed
    /// <c>client-authentication+jwt</c> and addressed to the issuer, not to an endpoint URL.
    /// </summary>
    internal static string Assertion(RSA key, string audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "client-authentication+jwt",
            Issuer = ClientId,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(2),
            Claims = new Dictionary<string, object> { ["sub"] = ClientId, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });

    internal static string PublicJwks(RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return $$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","n":"{{B64(parameters.Modulus!)}}","e":"{{B64(parameters.Exponent!)}}"}]}""";
    }

    private static string B64(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}
