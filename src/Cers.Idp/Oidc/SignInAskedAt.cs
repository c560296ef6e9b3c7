using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;

namespace Cers.Idp.Oidc;

/// <summary>
/// The mark an authorization request carries to the sign-in page and back when it asks for a fresh sign-in
/// (prompt=login, max_age=0): when it was asked for, protected with Data Protection (so nobody can write one
/// that says "long ago"), bound to that request's other parameters (so one kept from an earlier request
/// does not satisfy a new one) and good for an hour.
/// </summary>
public sealed class SignInAskedAt(IDataProtectionProvider protection)
{
    public const string Parameter = "cers_sign_in_asked_at";

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Cers.Idp.Oidc.SignInAskedAt").ToTimeLimitedDataProtector();

    public string Write(DateTimeOffset now, IEnumerable<KeyValuePair<string, StringValues>> parameters) =>
        _protector.Protect($"{now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}|{Digest(parameters)}", Lifetime);

    /// <summary>When the fresh sign-in was asked for, if the request carries a mark written for these parameters.</summary>
    public DateTimeOffset? Read(HttpRequest request, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var value = request.HasFormContentType ? request.Form[Parameter] : request.Query[Parameter];
        if (value.Count != 1 || string.IsNullOrEmpty(value[0]) || value[0]!.Length > 2000)
        {
            return null;
        }

        string text;
        try
        {
            text = _protector.Unprotect(value[0]!);
        }
        catch (CryptographicException)
        {
            // Forged, altered, expired, or from a key ring this installation no longer has: no mark at all.
            return null;
        }

        var parts = text.Split('|');
        return parts.Length == 2 && parts[1] == Digest(parameters)
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
    }

    private static string Digest(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var canonical = string.Join('\n', parameters
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + string.Join(',', p.Value.ToArray())));
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
