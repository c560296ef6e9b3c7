using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Keys;

/// <summary>
/// Loads the signing and encryption certificates once per process. In Development missing
/// certificates are generated (self-signed, two years: an RSA 2048 and an ECDSA P-256 signing
/// certificate and an RSA encryption certificate) next to the others; anywhere else the provider
/// refuses to start without configured ones.
/// <para>
/// Which certificate signs: within each key family, the one valid now that expires last (the
/// newest, in an ordinary rollover). ID tokens and the provider's internal tokens are signed RS256,
/// which every OpenID Connect relying party must accept (OpenID Connect Discovery section 3).
/// Access tokens are signed ES256 when an ECDSA certificate is configured: the facility API reads the
/// key from the JWKS like any other, and an ECDSA P-256 signature costs about a twelfth of an RSA
/// 2048 one on the busiest path, client_credentials. Every configured signing certificate is
/// published in the JWKS, so tokens signed before a rollover still validate.
/// </para>
/// <para>
/// In <see cref="KeyMode.Automatic"/> mode only the encryption certificates are loaded: the signing keys come from the
/// database (<see cref="AutomaticSigningKeys"/>).
/// </para>
/// </summary>
public sealed class CertificateSet : ISigningKeys
{
    private const string DevelopmentRsaSigningFile = "idp-signing.development.pfx";
    private const string DevelopmentEcdsaSigningFile = "idp-signing-ecdsa.development.pfx";
    private const string DevelopmentEncryptionFile = "idp-encryption.development.pfx";
    private const string SigningSetting = "Keys:SigningCertificates";

    private readonly SigningCredentials? _tokenSigning;
    private readonly SigningCredentials? _accessTokenSigning;

    public CertificateSet(KeyOptions keys, IHostEnvironment environment, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var directory = Path.GetFullPath(keys.Directory, environment.ContentRootPath);

        // Signing certificates first (Certificates mode only): outside Development their absence is the first thing to name.
        var signing = keys.Mode == KeyMode.Certificates ? Load(keys.SigningCertificates, SigningSetting, environment, now) : [];
        if (keys.Mode == KeyMode.Certificates && signing.Count == 0)
        {
            signing =
            [
                LoadOrGenerate(Path.Combine(directory, DevelopmentRsaSigningFile), KeyFamily.Rsa, X509KeyUsageFlags.DigitalSignature, now),
                LoadOrGenerate(Path.Combine(directory, DevelopmentEcdsaSigningFile), KeyFamily.Ecdsa, X509KeyUsageFlags.DigitalSignature, now),
            ];
        }

        // Expired encryption certificates stay loaded: they encrypt nothing new (OpenIddict and Data
        // Protection encrypt with the newest valid one) but still decrypt the refresh tokens, codes and
        // key ring entries made with them.
        var encryption = Load(keys.EncryptionCertificates, "Keys:EncryptionCertificates", environment, now, keepExpired: true);
        if (encryption.Count == 0)
        {
            encryption = [LoadOrGenerate(Path.Combine(directory, DevelopmentEncryptionFile), KeyFamily.Rsa, X509KeyUsageFlags.KeyEncipherment, now)];
        }

        Encryption = encryption;
        if (keys.Mode != KeyMode.Certificates)
        {
            Signing = [];
            return;
        }

        var credentials = signing.Select(certificate => (Certificate: certificate, Credentials: ToSigningCredentials(certificate))).ToList();
        Signing = credentials.Select(c => c.Credentials).ToList();

        var valid = credentials
            .Where(c => c.Certificate.NotBefore.ToUniversalTime() <= now && c.Certificate.NotAfter.ToUniversalTime() > now)
            .OrderByDescending(c => c.Certificate.NotAfter)
            .Select(c => c.Credentials)
            .ToList();

        _tokenSigning = valid.FirstOrDefault(c => c.Algorithm == SecurityAlgorithms.RsaSha256)
            ?? throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{SigningSetting} has no RSA certificate that is valid now; ID tokens must be signed RS256."]);
        _accessTokenSigning = valid.FirstOrDefault(c => c.Algorithm == SecurityAlgorithms.EcdsaSha256) ?? _tokenSigning;
    }

    /// <summary>Every signing credential, all published in the JWKS; none in <see cref="KeyMode.Automatic"/> mode.</summary>
    public IReadOnlyList<SigningCredentials> Signing { get; }

    IReadOnlyList<SigningCredentials> ISigningKeys.Published => Signing;

    /// <summary>Every encryption certificate, expired ones included for decryption.</summary>
    public IReadOnlyList<X509Certificate2> Encryption { get; }

    /// <summary>The encryption certificate that is valid now and expires last: what new data is encrypted with.</summary>
    public X509Certificate2 ActiveEncryption => Encryption.MaxBy(c => c.NotAfter)!;

    /// <summary>Signs ID tokens, authorization codes and refresh tokens (RS256).</summary>
    public SigningCredentials TokenSigning => _tokenSigning ?? throw NotCertificateMode();

    /// <summary>Signs access tokens: ES256 when an ECDSA certificate is configured, else <see cref="TokenSigning"/>.</summary>
    public SigningCredentials AccessTokenSigning => _accessTokenSigning ?? throw NotCertificateMode();

    private static InvalidOperationException NotCertificateMode() =>
        new("Keys:Mode is Automatic: the signing keys come from AutomaticSigningKeys, not from certificates.");

    private enum KeyFamily
    {
        Rsa,
        Ecdsa,
    }

    private static SigningCredentials ToSigningCredentials(X509Certificate2 certificate)
    {
        var algorithm = certificate.GetKeyAlgorithm() switch
        {
            "1.2.840.113549.1.1.1" => SecurityAlgorithms.RsaSha256,
            "1.2.840.10045.2.1" => SecurityAlgorithms.EcdsaSha256,
            _ => throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{SigningSetting}: certificate {certificate.Subject} has neither an RSA nor an ECDSA key."]),
        };

        if (algorithm == SecurityAlgorithms.RsaSha256)
        {
            return new SigningCredentials(new X509SecurityKey(certificate), algorithm);
        }

        // IdentityModel signs with ECDSA only through an ECDsaSecurityKey, not an X509SecurityKey; the
        // certificate's thumbprint stays its key id, as for the RSA keys.
        var ecdsa = certificate.GetECDsaPrivateKey();
        if (ecdsa is not { KeySize: 256 })
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{SigningSetting}: ECDSA certificate {certificate.Subject} must have its P-256 private key (ES256)."]);
        }

        return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = certificate.Thumbprint }, algorithm);
    }

    private static List<X509Certificate2> Load(List<CertificateOptions> configured, string settingName, IHostEnvironment environment,
        DateTime now, bool keepExpired = false)
    {
        if (configured.Count > 0)
        {
            var certificates = configured
                .Select(c => LoadFile(Path.GetFullPath(c.Path, environment.ContentRootPath), c.Password, settingName))
                .ToList();
            if (!certificates.Any(c => c.NotAfter.ToUniversalTime() > now))
            {
                throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                    [$"Every certificate in {settingName} has expired."]);
            }

            return keepExpired ? certificates : certificates.Where(c => c.NotAfter.ToUniversalTime() > now).ToList();
        }

        if (!environment.IsDevelopment())
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions),
                [$"{settingName} is not configured. Outside Development the provider will not start without its own certificates; see certs/README.md."]);
        }

        return [];
    }

    private static X509Certificate2 LoadOrGenerate(string path, KeyFamily family, X509KeyUsageFlags usage, DateTime now)
    {
        if (File.Exists(path))
        {
            var existing = LoadFile(path, password: null, path);
            if (existing.NotAfter.ToUniversalTime() > now.AddDays(7))
            {
                return existing;
            }
        }

        return GenerateDevelopmentCertificate(path, family, usage);
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

    private static X509Certificate2 GenerateDevelopmentCertificate(string path, KeyFamily family, X509KeyUsageFlags usage)
    {
        var purpose = usage == X509KeyUsageFlags.DigitalSignature ? "signing" : "encryption";
        var subject = $"CN=CERS IdP development {purpose} ({family})";
        var now = DateTimeOffset.UtcNow;
        byte[] pfx;
        if (family == KeyFamily.Ecdsa)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
            pfx = certificate.Export(X509ContentType.Pfx);
        }
        else
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
            pfx = certificate.Export(X509ContentType.Pfx);
        }

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
