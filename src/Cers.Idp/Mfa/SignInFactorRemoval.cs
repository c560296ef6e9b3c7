using Cers.Idp.Accounts;

namespace Cers.Idp.Mfa;

/// <summary>
/// Removes every second factor of an account, for a CERS admin's "reset sign-in factors" when a person lost
/// their phone and their recovery codes. The caller owns the transaction, the audit record and the email.
/// </summary>
public sealed class SignInFactorRemoval(AuthenticatorEnrolment authenticator, Microsoft.AspNetCore.Identity.UserManager<CersUser> users)
{
    /// <summary>
    /// The authenticator key, its recovery codes and replay record, and two-factor sign-in (off, with a new
    /// security stamp), and every passkey: every factor an account can hold belongs in this one method, so a
    /// reset never leaves one behind.
    /// </summary>
    public async Task RemoveAllFactorsAsync(CersUser user)
    {
        foreach (var passkey in await users.GetPasskeysAsync(user))
        {
            await users.RemovePasskeyAsync(user, passkey.CredentialId);
        }

        await authenticator.RemoveAuthenticatorAsync(user);
    }
}
