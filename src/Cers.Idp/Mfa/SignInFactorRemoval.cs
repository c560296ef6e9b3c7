using Cers.Idp.Accounts;

namespace Cers.Idp.Mfa;

/// <summary>
/// Removes every second factor of an account, for a CERS admin's "reset sign-in factors" when a person lost
/// their phone and their recovery codes. The caller owns the transaction, the audit record and the email.
/// </summary>
public sealed class SignInFactorRemoval(AuthenticatorEnrolment authenticator)
{
    /// <summary>
    /// The authenticator key, its recovery codes and replay record, and two-factor sign-in (off, with a new
    /// security stamp). Passkeys are removed here too once they exist: every factor an account can hold belongs
    /// in this one method, so a reset never leaves one behind.
    /// </summary>
    public async Task RemoveAllFactorsAsync(CersUser user)
    {
        await authenticator.RemoveAuthenticatorAsync(user);
    }
}
