using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.SignIn;

public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,

    /// <summary>Too many sign-ins are waiting for a core; nothing was checked.</summary>
    Busy,
}

/// <summary>
/// Username + password sign-in with one password-hash verification per attempt, whether or not the
/// account exists: an unknown username is checked against a fixed decoy hash so the response time
/// does not tell an attacker which usernames are real. Repeated failures lock the account
/// (Identity lockout; see <see cref="AccountsExtensions"/>).
/// </summary>
public sealed partial class PasswordSignIn(
    SignInManager<CersUser> signIn,
    UserManager<CersUser> users,
    IPasswordHasher<CersUser> hasher,
    PasswordHashingGate gate,
    ILogger<PasswordSignIn> logger)
{
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<CersUser>().HashPassword(new CersUser(), Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public async Task<SignInOutcome> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            var decoy = await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(new CersUser(), DecoyHash.Value, password)), cancellationToken);
            if (decoy is null)
            {
                return SignInOutcome.Busy;
            }

            LogFailed(logger);
            return SignInOutcome.Failed;
        }

        var result = await gate.TryRunAsync(
            () => signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true), cancellationToken);
        if (result is null)
        {
            return SignInOutcome.Busy;
        }

        if (result.Succeeded)
        {
            LogSignedIn(logger, user.Id);
            return SignInOutcome.SignedIn;
        }

        if (result.IsLockedOut)
        {
            // Identity refuses a locked account before hashing; hash anyway, in the same queue, so the
            // time taken matches and a flood against a locked account is queued like any other.
            await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(user, DecoyHash.Value, password)), cancellationToken);
            LogLockedOut(logger, user.Id);
            return SignInOutcome.LockedOut;
        }

        LogFailed(logger);
        return SignInOutcome.Failed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed in")]
    private static partial void LogSignedIn(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed")]
    private static partial void LogFailed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: user {UserId} is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
