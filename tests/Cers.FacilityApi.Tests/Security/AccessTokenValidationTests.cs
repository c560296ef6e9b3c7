using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Cers.FacilityApi.Security;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.FacilityApi.Tests.Security;

/// <summary>
/// The facility API accepts the provider's access tokens and nothing else (RFC 9068 section 4):
/// signature from the provider's JWKS, issuer, audience, lifetime and the <c>at+jwt</c> type.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessTokenValidationTests(FacilityApiFixture fixture)
{
    private const string MePath = "/api/me";

    [Fact]
    public async Task A_regulator_client_credentials_token_from_the_provider_is_accepted_with_its_subject_role_and_agency()
    {
        var token = await fixture.RequestRegulatorTokenAsync("facility.read facility.regulator");
        token.IsError.ShouldBeFalse(token.Error);

        var response = await GetMeAsync(token.AccessToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var caller = (await response.Content.ReadFromJsonAsync<CallerEndpoints.Caller>()).ShouldNotBeNull();
        caller.Subject.ShouldBe(DevelopmentClients.RegulatorClientId);
        caller.Roles.ShouldBe(["regulator"]);
        caller.AgencyCode.ShouldBe(DevelopmentClients.RegulatorAgencyCode);
        caller.Scopes.ShouldBe(["facility.read", "facility.regulator"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_request_without_a_token_is_rejected_with_401()
    {
        var response = await GetMeAsync(accessToken: null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(challenge => challenge.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_provider_token_without_the_facility_read_scope_is_refused_with_403()
    {
        var token = await fixture.RequestRegulatorTokenAsync("facility.regulator");
        token.IsError.ShouldBeFalse(token.Error);

        var response = await GetMeAsync(token.AccessToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>The control for every forged token below: unchanged, the forgery is indistinguishable from a real token.</summary>
    [Fact]
    public async Task A_token_written_with_the_providers_real_key_and_the_right_claims_is_accepted()
    {
        var forged = Genuine();

        var response = await GetMeAsync(forged.Write());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var caller = (await response.Content.ReadFromJsonAsync<CallerEndpoints.Caller>()).ShouldNotBeNull();
        caller.Subject.ShouldBe(forged.Subject);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_rejected_with_401_even_with_the_real_signature()
    {
        var response = await GetMeAsync((Genuine() with { Audience = "cers-other-api" }).Write());

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.InvalidAudience);
    }

    [Fact]
    public async Task An_expired_token_is_rejected_with_401_even_with_the_real_signature()
    {
        var expired = Genuine() with
        {
            IssuedAt = DateTime.UtcNow.AddHours(-1),
            Expires = DateTime.UtcNow.AddMinutes(-30),
        };

        var response = await GetMeAsync(expired.Write());

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.Expired);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_rejected_with_401_even_with_the_real_signature()
    {
        var response = await GetMeAsync((Genuine() with { Issuer = "https://attacker.example/" }).Write());

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.InvalidIssuer);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_the_providers_key_id_is_rejected_with_401()
    {
        // Hostile: the header names the key the provider really signs with (its kid, copied from a
        // token the provider issued), but the signature is made with the attacker's own key.
        var issued = await fixture.RequestRegulatorTokenAsync("facility.read");
        issued.IsError.ShouldBeFalse(issued.Error);
        var providerKeyId = new JsonWebToken(issued.AccessToken).Kid;
        providerKeyId.ShouldNotBeNullOrEmpty();
        using var attackerRsa = RSA.Create(2048);
        var forged = (Genuine() with
        {
            Signing = new SigningCredentials(new RsaSecurityKey(attackerRsa) { KeyId = providerKeyId }, SecurityAlgorithms.RsaSha256),
        }).Write();
        new JsonWebToken(forged).Kid.ShouldBe(providerKeyId);

        var response = await GetMeAsync(forged);

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.InvalidSignature);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_rejected_with_401()
    {
        var unsigned = (Genuine() with { Signing = null }).Write();
        unsigned.ShouldEndWith(".", customMessage: "an alg=none JWT has an empty signature part");

        var response = await GetMeAsync(unsigned);

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.InvalidSignature);
    }

    [Fact]
    public async Task A_token_typed_JWT_like_an_ID_token_is_rejected_with_401_as_an_access_token()
    {
        // An ID token is a plain "JWT"; only "at+jwt" marks an access token (RFC 9068 section 2.1), so an
        // ID token handed to the API by a relying party must not be replayable as an access token.
        var response = await GetMeAsync((Genuine() with { Type = "JWT" }).Write());

        ShouldBeRejectedAsInvalidToken(response, OpenIddictError.UnexpectedType);
    }

    private ForgedAccessToken Genuine() => new()
    {
        Issuer = fixture.Issuer,
        Signing = new SigningCredentials(new X509SecurityKey(fixture.SigningCertificate), SecurityAlgorithms.RsaSha256),
    };

    private async Task<HttpResponseMessage> GetMeAsync(string? accessToken)
    {
        using var caller = fixture.Api.CreateCaller();
        using var request = new HttpRequestMessage(HttpMethod.Get, MePath);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await caller.SendAsync(request);
    }

    /// <summary>
    /// 401 with <c>error="invalid_token"</c> (RFC 6750 section 3.1) and the OpenIddict error that names
    /// the check which failed, so each test proves the rejection came from the defect it planted.
    /// </summary>
    private static void ShouldBeRejectedAsInvalidToken(HttpResponseMessage response, string openIddictError)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ShouldHaveSingleItem();
        challenge.Scheme.ShouldBe("Bearer");
        var parameters = challenge.Parameter.ShouldNotBeNull();
        parameters.ShouldContain("error=\"invalid_token\"");
        parameters.ShouldContain($"https://documentation.openiddict.com/errors/{openIddictError}\"");
    }

    /// <summary>OpenIddict's documented validation error codes (https://documentation.openiddict.com/errors/).</summary>
    private static class OpenIddictError
    {
        public const string Expired = "ID2019";
        public const string InvalidIssuer = "ID2088";
        public const string UnexpectedType = "ID2089";
        public const string InvalidSignature = "ID2091";
        public const string InvalidAudience = "ID2094";
    }
}
