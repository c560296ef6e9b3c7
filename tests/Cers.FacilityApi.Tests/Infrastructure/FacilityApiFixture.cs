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

    public FacilityApiFixture()
    {
        Idp = new IdpHost(_data.Path, kestrel: true).Start();

        // In Development the provider generates its signing certificate when it first loads its keys;
        // loading them here makes sure the file exists before it is read back from disk.
        Idp.Services.GetRequiredService<CertificateSet>();
        SigningCertificate = X509CertificateLoader.LoadPkcs12FromFile(Idp.DevelopmentSigningCertificatePath, password: null,
            X509KeyStorageFlags.EphemeralKeySet);

        Api = new FacilityApiHost(authority: Idp.BaseAddress);
    }

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

    public void Dispose()
    {
        Api.Dispose();
        Idp.Dispose();
        SigningCertificate.Dispose();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FacilityApiCollection : ICollectionFixture<FacilityApiFixture>
{
    public const string Name = "facility-api";
}
