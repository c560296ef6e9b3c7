extern alias idp;

using System.Security.Cryptography.X509Certificates;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using CertificateSet = idp::Cers.Idp.Keys.CertificateSet;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// The provider and the facility API, both real and both on loopback HTTP, shared by every test in
/// the collection. Also holds the provider's real signing certificate, read from the folder it was
/// generated into, so tests can forge tokens that differ from a genuine one in exactly one way.
/// </summary>
public sealed class FacilityApiFixture : IDisposable
{
    private readonly TempDirectory _data = new("cers-facility-api-tests-");
    private string? _readToken;

    public FacilityApiFixture()
    {
        Idp = new IdpHost(_data.Path, kestrel: true).Start();

        SigningCertificate = Idp.LoadSigningCertificate();

        Api = new FacilityApiHost(authority: Idp.BaseAddress, dataDirectory: Path.Combine(_data.Path, "facility-api"), settings: Smtp.Settings());
    }

    /// <summary>The SMTP server the API's outbox delivers to; tests tell their emails apart by recipient or subject.</summary>
    public SmtpListener Smtp { get; } = new();

    public IdpHost Idp { get; }

    public FacilityApiHost Api { get; }

    /// <summary>The provider's issuer: its base address, ending with '/'.</summary>
    public string Issuer => Idp.BaseAddress.ToString();

    /// <summary>The provider's own signing certificate, private key included.</summary>
    public X509Certificate2 SigningCertificate { get; }

    /// <summary>A genuine access token from the provider's token endpoint, for the example regulator client.</summary>
    public async Task<TokenResponse> RequestRegulatorTokenAsync(string scope)
    {
        using var http = Idp.CreateBackChannel();
        return await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "connect/token",
            ClientId = DevelopmentClients.RegulatorClientId,
            ClientSecret = DevelopmentClients.RegulatorSecret,
            Scope = scope,
        });
    }

    /// <summary>A genuine <c>facility.read</c> token of the example regulator client, fetched once and shared.</summary>
    public async Task<string> ReadTokenAsync()
    {
        if (_readToken is null)
        {
            var token = await RequestRegulatorTokenAsync("facility.read");
            token.IsError.ShouldBeFalse(token.Error);
            _readToken = token.AccessToken!;
        }

        return _readToken;
    }

    /// <summary>
    /// An access token for <paramref name="user"/>, as the provider issues it to the portal, signed with the provider's key;
    /// issued now, or at <paramref name="issuedAt"/> for an API whose clock a test moves.
    /// </summary>
    public string TokenFor(TestUser user, string scope = TestUser.PortalScopes, DateTimeOffset? issuedAt = null) =>
        user.Write(Issuer, new Microsoft.IdentityModel.Tokens.SigningCredentials(
            new Microsoft.IdentityModel.Tokens.X509SecurityKey(SigningCertificate), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256), scope,
            issuedAt);

    /// <summary>POST <paramref name="body"/> as JSON text to <paramref name="path"/> with <paramref name="accessToken"/>.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, string? accessToken, string body)
    {
        using var caller = Api.CreateCaller();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await caller.SendAsync(request);
    }

    /// <summary>GET <paramref name="pathAndQuery"/> on the API with <paramref name="accessToken"/> (none when null).</summary>
    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? accessToken)
    {
        using var caller = Api.CreateCaller();
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await caller.SendAsync(request);
    }

    public void Dispose()
    {
        Api.Dispose();
        Idp.Dispose();
        Smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SigningCertificate.Dispose();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FacilityApiCollection : ICollectionFixture<FacilityApiFixture>
{
    public const string Name = "facility-api";
}
