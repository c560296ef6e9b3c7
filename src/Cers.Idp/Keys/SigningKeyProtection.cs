using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Keys;

/// <summary>
/// Makes signing keys and turns their stored form back into credentials. The private key is kept only encrypted with
/// Data Protection (whose own key ring is encrypted with the encryption certificate), under a purpose of its own, so
/// neither a copy of the database alone nor another feature's protector can read it.
/// </summary>
public sealed class SigningKeyProtection(IDataProtectionProvider dataProtection)
{
    public const string Purpose = "Cers.Idp.Keys.SigningKey.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>A new key of <paramref name="algorithm"/>: RSA 2048 for RS256, P-256 for ES256; its times are the caller's to set.</summary>
    public SigningKey Create(string algorithm)
    {
        byte[] pkcs8;
        if (algorithm == SecurityAlgorithms.RsaSha256)
        {
            using var rsa = RSA.Create(2048);
            pkcs8 = rsa.ExportPkcs8PrivateKey();
        }
        else if (algorithm == SecurityAlgorithms.EcdsaSha256)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Only RS256 and ES256 keys are made.");
        }

        try
        {
            return new SigningKey
            {
                // Random, so a kid says nothing about the key and two instances never make the same one.
                Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                Algorithm = algorithm,
                ProtectedPrivateKey = Convert.ToBase64String(_protector.Protect(pkcs8)),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The stored key as credentials OpenIddict and the fast token path sign and publish with.</summary>
    public SigningCredentials ToCredentials(SigningKey key)
    {
        var pkcs8 = _protector.Unprotect(Convert.FromBase64String(key.ProtectedPrivateKey));
        try
        {
            if (key.Algorithm == SecurityAlgorithms.RsaSha256)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Id }, SecurityAlgorithms.RsaSha256);
            }

            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = key.Id }, SecurityAlgorithms.EcdsaSha256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
