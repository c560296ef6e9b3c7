using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Keys;

/// <summary>Where the provider's signing keys come from (<c>Keys:Mode</c>).</summary>
public enum KeyMode
{
    /// <summary>Signing certificates from <see cref="KeyOptions.SigningCertificates"/>, rolled over by hand.</summary>
    Certificates,

    /// <summary>Keys generated and rotated by the provider itself, kept in its database (<see cref="AutomaticKeyOptions"/>).</summary>
    Automatic,
}

/// <summary>
/// The <c>Keys</c> section: the keys that sign and encrypt tokens. In <see cref="KeyMode.Certificates"/> mode, outside
/// Development, <see cref="SigningCertificates"/> must be configured; in <see cref="KeyMode.Automatic"/> mode the
/// provider makes its own signing keys. <see cref="EncryptionCertificates"/> are needed outside Development in both
/// modes; in Development missing certificates are generated under <see cref="Directory"/>.
/// </summary>
public sealed class KeyOptions
{
    public const string SectionName = "Keys";

    public KeyMode Mode { get; set; } = KeyMode.Certificates;

    /// <summary>Where development certificates are generated; relative to the content root.</summary>
    public string Directory { get; set; } = "../../certs";

    /// <summary>Every configured signing certificate is published in the JWKS; see <see cref="CertificateSet"/> for which signs.</summary>
    public List<CertificateOptions> SigningCertificates { get; set; } = [];

    public List<CertificateOptions> EncryptionCertificates { get; set; } = [];

    /// <summary>The schedule of <see cref="KeyMode.Automatic"/> keys; ignored in <see cref="KeyMode.Certificates"/> mode.</summary>
    public AutomaticKeyOptions Automatic { get; set; } = new();
}

/// <summary>
/// <c>Keys:Automatic</c>: a key is published <see cref="Propagation"/> before it signs, signs for <see cref="Lifetime"/>
/// (or until the next one takes over), and stays published <see cref="Retention"/> after it stops, so every token it
/// signed can still be checked until it expires.
/// </summary>
public sealed class AutomaticKeyOptions
{
    /// <summary>
    /// How long a new key is in the JWKS before it signs anything: longer than any relying party keeps a JWKS (see
    /// <see cref="JwksMaxAge"/>), so nobody meets a token signed with a key it has not seen.
    /// </summary>
    public TimeSpan Propagation { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a key signs before its successor takes over.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a key stays in the JWKS after it stopped signing; it must outlast every token it signed. When not set,
    /// the longest token lifetime (the refresh token's, by default) plus a day.
    /// </summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often each instance reads the key table, notices keys another instance made and makes the next one when due.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The JWKS response's <c>Cache-Control: max-age</c>. Together with <see cref="RefreshInterval"/> it must be shorter
    /// than <see cref="Propagation"/>: a relying party that honours it fetches the JWKS again before a new key signs.
    /// </summary>
    public TimeSpan JwksMaxAge { get; set; } = TimeSpan.FromDays(1);
}

public sealed class CertificateOptions
{
    /// <summary>A PFX file; relative paths are under the content root.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary>The PFX password. Supply it from a secret store or environment variable, never from a committed file.</summary>
    public string? Password { get; set; }
}
