using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Keys;

public sealed class KeyTests
{
    [Fact]
    public void Outside_development_the_provider_refuses_to_start_without_certificates_and_names_the_setting()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, environment: "Production");

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Keys:SigningCertificates is not configured");
    }

    [Fact]
    public void Development_certificates_are_generated_when_missing()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path).Start();

        File.Exists(Path.Combine(data.Path, "idp-signing.development.pfx")).ShouldBeTrue();
        File.Exists(Path.Combine(data.Path, "idp-encryption.development.pfx")).ShouldBeTrue();
    }

    [Fact]
    public async Task Every_configured_signing_certificate_is_published_and_the_newest_valid_one_signs()
    {
        using var data = new TempDirectory();
        var now = DateTimeOffset.UtcNow;
        var older = WritePfx(data.Path, "older.pfx", now.AddDays(-30), now.AddDays(300));
        var newest = WritePfx(data.Path, "newest.pfx", now.AddDays(-1), now.AddDays(700));
        var future = WritePfx(data.Path, "future.pfx", now.AddDays(10), now.AddDays(900));

        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Keys:SigningCertificates:0:Path"] = older.Path,
            ["Keys:SigningCertificates:0:Password"] = older.Password,
            ["Keys:SigningCertificates:1:Path"] = future.Path,
            ["Keys:SigningCertificates:1:Password"] = future.Password,
            ["Keys:SigningCertificates:2:Path"] = newest.Path,
            ["Keys:SigningCertificates:2:Password"] = newest.Password,
        }, kestrel: true).Start();

        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };
        var disco = await http.GetDiscoveryDocumentAsync();
        disco.IsError.ShouldBeFalse(disco.Error);
        disco.KeySet!.Keys.Select(k => k.Kid).ShouldBe([older.Thumbprint, newest.Thumbprint, future.Thumbprint], ignoreOrder: true);

        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = IdpFactory.RegulatorClientId,
            ClientSecret = IdpFactory.RegulatorSecret,
            Scope = "facility.read",
        });
        token.IsError.ShouldBeFalse(token.Error);
        new JsonWebToken(token.AccessToken).Kid.ShouldBe(newest.Thumbprint);
    }

    [Fact]
    public void An_expired_encryption_certificate_stays_loaded_to_decrypt_while_the_valid_one_encrypts()
    {
        using var data = new TempDirectory();
        var now = DateTimeOffset.UtcNow;
        var expired = WritePfx(data.Path, "old-encryption.pfx", now.AddYears(-2), now.AddDays(-1), X509KeyUsageFlags.KeyEncipherment);
        var current = WritePfx(data.Path, "encryption.pfx", now.AddDays(-1), now.AddYears(1), X509KeyUsageFlags.KeyEncipherment);

        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Keys:EncryptionCertificates:0:Path"] = expired.Path,
            ["Keys:EncryptionCertificates:0:Password"] = expired.Password,
            ["Keys:EncryptionCertificates:1:Path"] = current.Path,
            ["Keys:EncryptionCertificates:1:Password"] = current.Password,
        }).Start();

        var certificates = host.Services.GetRequiredService<Cers.Idp.Keys.CertificateSet>();
        certificates.Encryption.Select(c => c.Thumbprint).ShouldBe([expired.Thumbprint, current.Thumbprint], ignoreOrder: true);
        certificates.ActiveEncryption.Thumbprint.ShouldBe(current.Thumbprint);
    }

    [Fact]
    public async Task Data_protection_keys_are_kept_in_the_database_encrypted_with_the_encryption_certificate()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, kestrel: true).Start();

        // Rendering a form makes Data Protection create its first key for the anti-forgery token.
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };
        (await http.GetAsync("/Account/Login")).EnsureSuccessStatusCode();

        await using var scope = host.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<IdpDbContext>().DataProtectionKeys.ToListAsync();
        keys.ShouldNotBeEmpty();
        keys.ShouldAllBe(k => k.Xml!.Contains("EncryptedData") && !k.Xml.Contains("<masterKey"));
    }

    private sealed record Pfx(string Path, string Password, string Thumbprint);

    private static Pfx WritePfx(string directory, string name, DateTimeOffset notBefore, DateTimeOffset notAfter,
        X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=test {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        var password = Guid.NewGuid().ToString("N");
        var path = System.IO.Path.Combine(directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return new Pfx(path, password, certificate.Thumbprint);
    }
}
