using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Keys;

/// <summary>
/// The <c>Keys</c> section: the certificates that sign and encrypt tokens. Outside Development
/// <see cref="SigningCertificates"/> and <see cref="EncryptionCertificates"/> must be configured;
/// in Development missing ones are generated under <see cref="Directory"/>.
/// </summary>
public sealed class KeyOptions
{
    public const string SectionName = "Keys";

    /// <summary>Where development certificates are generated; relative to the content root.</summary>
    public string Directory { get; set; } = "../../certs";

    /// <summary>Every configured signing certificate is published in the JWKS; see <see cref="CertificateSet"/> for which signs.</summary>
    public List<CertificateOptions> SigningCertificates { get; set; } = [];

    public List<CertificateOptions> EncryptionCertificates { get; set; } = [];
}

public sealed class CertificateOptions
{
    /// <summary>A PFX file; relative paths are under the content root.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary>The PFX password. Supply it from a secret store or environment variable, never from a committed file.</summary>
    public string? Password { get; set; }
}
