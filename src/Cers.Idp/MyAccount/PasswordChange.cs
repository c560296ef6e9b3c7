using Cers.Data;
using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.MyAccount;

public enum PasswordChangeOutcome
{
    Changed,

    /// <summary>The current password was not right (the failure counts toward lockout).</summary>
    WrongPassword,

    /// <summary>Too many wrong passwords: the account is locked for a while, as at sign-in.</summary>
    LockedOut,

    /// <summary>The new password breaks the password policy; see the errors.</summary>
    Rejected,

    /// <summary>Too many password checks are waiting for a core; nothing was checked.</summary>
    Busy,
}

public sealed record PasswordChangeResult(PasswordChangeOutcome Outcome, IReadOnlyList<string> Errors);

/// <summary>
/// A signed-in person changes their password. The current password is asked for even though the session
/// is valid, and a wrong one counts toward lockout exactly as at sign-in: a session someone left open (or
/// stole) must not be enough to take the account over. The change ends every other session and revokes
/// every refresh token and authorization (the security stamp and <see cref="TokenRevocation"/>); the
/// caller renews the current session (<see cref="SessionRenewal"/>), which keeps its server-side session.
/// </summary>
public sealed partial class PasswordChange(
    IdpDbContext db,
    UserManager<CersUser> users,
    SignInManager<CersUser> signIn,
    IPasswordHasher<CersUser> hasher,
    PasswordHashingGate gate,
    EmailOutbox outbox,
    MyAccountEmails emails,
    AuditLog audit,
    TokenRevocation revocation,
    ILogger<PasswordChange> logger)
{
    public async Task<PasswordChangeResult> ChangeAsync(CersUser user, string currentPassword, string newPassword, string? currentSessionId, CancellationToken cancellationToken)
    {
        var check = await gate.TryRunAsync(() => signIn.CheckPasswordSignInAsync(user, currentPassword, lockoutOnFailure: true), cancellationToken);
        if (check is null)
        {
            return new PasswordChangeResult(PasswordChangeOutcome.Busy, []);
        }

        if (!check.Succeeded)
        {
            var outcome = check.IsLockedOut ? PasswordChangeOutcome.LockedOut : PasswordChangeOutcome.WrongPassword;
            await audit.WriteAsync(check.IsLockedOut ? AuditKinds.LockedOut : AuditKinds.PasswordChangeFailed, user.Id, user.UserName, cancellationToken);
            return new PasswordChangeResult(outcome, []);
        }

        // The policy's checks first, so a rejected password changes nothing (not even the stamp).
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var validation = await validator.ValidateAsync(users, user, newPassword);
            errors.AddRange(validation.Errors.Select(e => e.Description));
        }

        if (newPassword == currentPassword)
        {
            errors.Add("Choose a password different from your current one.");
        }

        if (errors.Count > 0)
        {
            return new PasswordChangeResult(PasswordChangeOutcome.Rejected, errors.Distinct().ToList());
        }

        PasswordChangeResult result = new(PasswordChangeOutcome.Rejected, []);
        await db.InTransactionAsync(async ct =>
        {
            var reload = await users.FindByIdAsync(user.Id);
            if (reload is null)
            {
                result = new PasswordChangeResult(PasswordChangeOutcome.WrongPassword, []);
                return;
            }

            // The current password was verified above and the policy checked: what is left is one hash, run in
            // the same queue as sign-ins, and a new security stamp (which ends the other sessions).
            var hash = await gate.TryRunAsync(() => Task.FromResult(hasher.HashPassword(reload, newPassword)), ct);
            if (hash is null)
            {
                result = new PasswordChangeResult(PasswordChangeOutcome.Busy, []);
                return;
            }

            reload.PasswordHash = hash;
            var updated = await users.UpdateSecurityStampAsync(reload);
            if (!updated.Succeeded)
            {
                result = new PasswordChangeResult(PasswordChangeOutcome.Rejected, [.. updated.Errors.Select(e => e.Description)]);
                return;
            }

            outbox.Add(db, emails.PasswordChanged(reload));
            audit.Add(AuditKinds.PasswordChanged, reload.Id, reload.UserName);
            await db.SaveChangesAsync(ct);
            await revocation.RevokeAllAsync(reload, "password changed", ct, keepSessionId: currentSessionId);
            result = new PasswordChangeResult(PasswordChangeOutcome.Changed, []);
        }, cancellationToken);

        if (result.Outcome == PasswordChangeOutcome.Changed)
        {
            LogChanged(logger, user.Id);
        }
        else
        {
            db.ChangeTracker.Clear();
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} changed their password; other sessions and tokens revoked")]
    private static partial void LogChanged(ILogger logger, string userId);
}
