using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Keys;

/// <summary>
/// Loads the signing and encryption certificates once per process. In Development a missing
/// certificate is generated (RSA 2048, self-signed, two years) and written next to the others;
/// anywhere else the provider refuses to start without configured ones.
/// </summary>
public sealed class CertificateSet
{
    private const string DevelopmentSigningFile = "idp-signing.development.pfx";
    private const string DevelopmentEncryptionFile = "idp-encryption.development.pfx";

    public CertificateSet(KeyOptions keys, IHostEnvironment environment, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;

        Signing = Load(keys.SigningCertificates, "Keys:SigningCertificates", environment, DevelopmentSigningFile,
            X509KeyUsageFlags.DigitalSignature, keys.Directory, now);
        Encryption = Load(keys.EncryptionCertificates, "Keys:EncryptionCertificates", environment, DevelopmentEncryptionFile,
            X509KeyUsageFlags.KeyEncipherment, keys.Directory, now);

        // The newest certificate that is valid now signs; OpenIddict orders its signing credentials the
        // same way (valid ones first, furthest expiry first), and publishes all of them in the JWKS so
        // tokens signed before a rollover still validate until their certificate is removed.
        var valid = Signing.Where(c => c.NotBefore.ToUniversalTime() <= now && c.NotAfter.ToUniversalTime() > now).ToList();
        if (valid.Count == 0)
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                ["Keys:SigningCertificates has no certificate that is valid now."]);
        }

        ActiveSigning = valid.MaxBy(c => c.NotAfter)!;
    }

    public IReadOnlyList<X509Certificate2> Signing { get; }

    public IReadOnlyList<X509Certificate2> Encryption { get; }

    public X509Certificate2 ActiveSigning { get; }

    private static List<X509Certificate2> Load(List<CertificateOptions> configured, string settingName,
        IHostEnvironment environment, string developmentFile, X509KeyUsageFlags usage, string directory, DateTime now)
    {
        if (configured.Count > 0)
        {
            return configured.Select(c => LoadFile(Path.GetFullPath(c.Path, environment.ContentRootPath), c.Password, settingName))
                .Where(c => c.NotAfter.ToUniversalTime() > now)
                .ToList() is { Count: > 0 } certificates
                ? certificates
                : throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                    [$"Every certificate in {settingName} has expired."]);
        }

        if (!environment.IsDevelopment())
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{settingName} is not configured. Outside Development the provider will not start without its own certificates; see certs/README.md."]);
        }

        var path = Path.Combine(Path.GetFullPath(directory, environment.ContentRootPath), developmentFile);
        if (File.Exists(path))
        {
            var existing = LoadFile(path, password: null, settingName);
            if (existing.NotAfter.ToUniversalTime() > now.AddDays(7))
            {
                return [existing];
            }
        }

        return [GenerateDevelopmentCertificate(path, usage)];
    }

    private static X509Certificate2 LoadFile(string path, string? password, string settingName)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password,
                X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{settingName}: cannot load '{path}': {exception.Message}"]);
        }
    }

    private static X509Certificate2 GenerateDevelopmentCertificate(string path, X509KeyUsageFlags usage)
    {
        using var rsa = RSA.Create(2048);
        var purpose = usage == X509KeyUsageFlags.DigitalSignature ? "signing" : "encryption";
        var request = new CertificateRequest($"CN=CERS IdP development {purpose}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
        var pfx = certificate.Export(X509ContentType.Pfx);

        // Written to a temporary file and moved into place, so a second process starting at the same
        // moment reads either no file or a whole one.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, pfx);
        File.Move(temporary, path, overwrite: true);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null,
            X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
    }
}
