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

    public static void Enrolled(string userName, string key) => Accounts[userName] = (Normalize(key), long.MinValue);

    public static bool Has(string userName) => Accounts.ContainsKey(userName);

    public static string KeyOf(string userName) => Accounts[userName].Key;

    /// <summary>A code of <paramref name="key"/> for the given time step (RFC 6238: HMAC-SHA1, 30 s, 6 digits).</summary>
    public static string CodeAt(string key, long step) =>
        new Totp(Base32Encoding.ToBytes(Normalize(key))).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / 30;

    /// <summary>The next code the provider has not seen for <paramref name="userName"/>, on the real clock.</summary>
    public static async Task<string> NextCodeAsync(string userName)
    {
        while (true)
        {
            var now = StepAt(DateTimeOffset.UtcNow);
            string? code = null;
            Accounts.AddOrUpdate(userName, _ => throw new InvalidOperationException($"{userName} has no test authenticator."), (_, entry) =>
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

    private static string Normalize(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
