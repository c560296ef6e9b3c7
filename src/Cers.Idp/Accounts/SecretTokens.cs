using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Cers.Idp.Accounts;

/// <summary>
/// The secrets in emailed links: 256 random bits, of which only a SHA-256 hash is stored, so a copy
/// of the database cannot be turned into working links.
/// </summary>
public sealed class SecretTokens
{
    public string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Constant-time comparison of a presented token with a stored hash.</summary>
    public static bool Matches(string? presented, string? storedHash) =>
        presented is { Length: > 0 and <= 100 } && storedHash is { Length: 64 }
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));
}
