using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cers.Idp.Mfa;

/// <summary>
/// Time-based one-time passwords as authenticator apps compute them (RFC 6238 with its defaults: HMAC-SHA1,
/// 30-second steps from the Unix epoch, six digits; RFC 4226 section 5.3 truncation), from the Base32 key
/// (RFC 4648 section 6) Identity generates and the otpauth:// URI carries.
/// </summary>
public static class Rfc6238
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The six-digit code of <paramref name="step"/>, with its leading zeros.</summary>
    public static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];

        // HMAC-SHA1 is what RFC 6238 (section 1.2) and every authenticator app use by default; HMAC's strength
        // does not rest on SHA-1's collision resistance (RFC 4226 appendix A.5).
#pragma warning disable CA5350
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff) % 1_000_000;
        return binary.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes a Base32 key, ignoring case, spaces and padding; null when it holds anything else.</summary>
    public static byte[]? DecodeBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=')
            {
                continue;
            }

            var value = alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. output];
    }

    /// <summary>Whether <paramref name="text"/> could be a code at all: exactly six ASCII digits (spaces around and inside ignored).</summary>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length > 20)
        {
            return null;
        }

        var digits = text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }
}
