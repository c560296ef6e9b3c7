using Cers.ServiceDefaults.SharedState;
using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

public enum AccountLimit
{
    /// <summary>Password posts for one username.</summary>
    SignIn,

    /// <summary>Recovery posts for one username, email address or account.</summary>
    Recovery,

    /// <summary>Password and email changes of one signed-in account (My Account).</summary>
    AccountChange,
    /// <summary>Second-factor codes (authenticator or recovery code) for one account, keyed by its id.</summary>
    SecondFactor,
}

/// <summary>
/// Limits per account rather than per client address: keyed by what was typed (a username or an email
/// address, case-insensitively) or the account a link names, so attempts spread over many addresses, or
/// hidden behind one proxy, still count together. The key is what the visitor typed, not a lookup, so a
/// made-up username is limited exactly as a real one is and the limit tells nothing about which exist.
/// Fixed windows, one per key, counted in the shared state (<see cref="ISharedState"/>): attempts spread over
/// every instance of the provider count together.
/// </summary>
public sealed class AccountRateLimiter(ISharedState state, IOptions<RequestRateLimitOptions> options)
{
    /// <summary>Takes one attempt for <paramref name="identifier"/>; null while allowed, else how long until its window ends.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(AccountLimit limit, string identifier)
    {
        var configured = limit switch
        {
            AccountLimit.SignIn => options.Value.SignInPerUserName,
            AccountLimit.AccountChange => options.Value.AccountChangesPerAccount,
            AccountLimit.SecondFactor => options.Value.SecondFactorPerAccount,
            _ => options.Value.RecoveryPerAccount,
        };
        var counted = await state.CountAsync(Key(limit, identifier), configured.Window);
        return counted.Count <= configured.PermitLimit ? null : counted.RemainingInWindow;
    }

    /// <summary>Ends <paramref name="identifier"/>'s current window, as if nothing had been attempted in it.</summary>
    public Task ResetAsync(AccountLimit limit, string identifier) => state.RemoveAsync(Key(limit, identifier));

    private static string Key(AccountLimit limit, string identifier) => $"account-limit|{limit}|{identifier.Trim().ToUpperInvariant()}";
}
