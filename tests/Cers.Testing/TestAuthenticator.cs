using System.Collections.Concurrent;
using OtpNet;

namespace Cers.Testing;

/// <summary>
/// The authenticator app of the test accounts: the keys they enrolled (read from the enrolment page, as a person's
/// app scans it, or from the account), and their codes computed with Otp.NET, independently of the provider's own
/// RFC 6238 code. The provider accepts each 30-second step once per account, so a test that signs one account in
/// several times quickly gets the next unused step in the window (at most one ahead) or waits for the clock.
/// </summary>
public static class TestAuthenticator
{
    private static readonly ConcurrentDictionary<string, (string Key, long LastStep)> Accounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Remembers the key <paramref name="userName"/> enrolled at the provider serving <paramref name="page"/>: test
    /// providers each seed their own accounts of the same names (cersadmin1), so the provider is part of the name.
    /// </summary>
    public static void Enrolled(Uri page, string userName, string key) => Accounts[Name(page, userName)] = (Normalize(key), long.MinValue);

    /// <summary>A code of <paramref name="key"/> for the given time step (RFC 6238: HMAC-SHA1, 30 s, 6 digits).</summary>
    public static string CodeAt(string key, long step) =>
        new Totp(Base32Encoding.ToBytes(Normalize(key))).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / 30;

    /// <summary>The next code the provider serving <paramref name="page"/> has not seen for <paramref name="userName"/>, on the real clock.</summary>
    public static async Task<string> NextCodeAsync(Uri page, string userName)
    {
        var name = Name(page, userName);
        while (true)
        {
            var now = StepAt(DateTimeOffset.UtcNow);
            string? code = null;
            Accounts.AddOrUpdate(name, _ => throw new InvalidOperationException($"{userName} has no test authenticator."), (_, entry) =>
            {
                var step = Math.Max(now, entry.LastStep + 1);
                if (step > now + 1)
                {
                    code = null;
                    return entry;
                }

                code = CodeAt(entry.Key, step);
                return (entry.Key, step);
            });
            if (code is not null)
            {
                return code;
            }

            await Task.Delay(1000);
        }
    }

    private static string Name(Uri page, string userName) => page.GetLeftPart(UriPartial.Authority) + "|" + userName;

    private static string Normalize(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
