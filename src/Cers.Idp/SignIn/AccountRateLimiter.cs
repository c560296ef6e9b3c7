using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

public enum AccountLimit
{
    /// <summary>Password posts for one username.</summary>
    SignIn,

    /// <summary>Recovery posts for one username, email address or account.</summary>
    Recovery,
}

/// <summary>
/// Limits per account rather than per client address: keyed by what was typed (a username or an email
/// address, case-insensitively) or the account a link names, so attempts spread over many addresses, or
/// hidden behind one proxy, still count together. The key is what the visitor typed, not a lookup, so a
/// made-up username is limited exactly as a real one is and the limit tells nothing about which exist.
/// Fixed windows, one per key; idle ones are dropped by the limiter.
/// </summary>
public sealed class AccountRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public AccountRateLimiter(IOptions<RequestRateLimitOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        {
            var limit = key.StartsWith(nameof(AccountLimit.SignIn) + "|", StringComparison.Ordinal) ? limits.SignInPerUserName : limits.RecoveryPerAccount;
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
            });
        });
    }

    /// <summary>Takes one attempt for <paramref name="identifier"/>; false, with when to try again, once its window is used up.</summary>
    public bool TryAcquire(AccountLimit limit, string identifier, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire($"{limit}|{identifier.Trim().ToUpperInvariant()}");
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
