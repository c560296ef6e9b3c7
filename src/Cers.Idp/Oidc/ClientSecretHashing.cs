using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Cers.Idp.Oidc;

/// <summary>
/// Stores client secrets as a SHA-256 digest instead of OpenIddict's default PBKDF2 (10,000
/// iterations on every token request).
/// <para>
/// Why this is safe: key stretching exists to slow offline guessing of low-entropy, human-chosen
/// passwords. CERS client secrets are machine-generated and at least 32 characters (enforced by
/// <see cref="OidcOptionsValidator"/>), i.e. well over 128 bits of entropy; finding a preimage of their
/// SHA-256 digest is infeasible with or without stretching (the same reasoning as RFC 9700 section
/// 2.5 for high-entropy client credentials). Stretching them only cost about 5 ms of CPU per
/// client_credentials request, which bounded token issuance. Comparison is constant-time.
/// Digests written by an older build in OpenIddict's PBKDF2 format still validate.
/// </para>
/// </summary>
public sealed class ClientSecretHashing<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    private const string Prefix = "sha256:";

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Prefix + Convert.ToBase64String(Digest(secret)));

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(comparand[Prefix.Length..], expected, out var written) || written != expected.Length)
        {
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(Digest(secret), expected));
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
