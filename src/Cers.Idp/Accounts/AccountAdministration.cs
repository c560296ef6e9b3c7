using System.Security.Claims;
using Cers.Email.Outbox;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Mfa;
using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Accounts;

/// <summary>
/// What a CERS admin (CalEPA help desk) does to an account: find it, disable it, enable it again, reset its sign-in factors,
/// send a pending account its activation link again, end a lockout. Each action is audited with the admin's username.
/// </summary>
public sealed partial class AccountAdministration(
    IdpDbContext db,
    UserManager<CersUser> users,
    Activation.AccountActivation activation,
    TimeProvider time,
    TokenRevocation revocation,
    AuditLog audit,
    SignInFactorRemoval factors,
    EmailOutbox outbox,
    SignInProtectionEmails emails,
    Sessions.ProviderSessions sessions,
    SignIn.AccountRateLimiter limits,
    ILogger<AccountAdministration> logger)
{
    public const int SearchLimit = 50;

    /// <summary>
    /// Accounts whose username, email, first name, last name or "first last" starts with <paramref name="term"/>
    /// (case-insensitive), at most <see cref="SearchLimit"/>. Names are compared upper-cased on every engine (PostgreSQL's
    /// LIKE is case-sensitive); the help desk searches rarely, so that scan of the names is not indexed.
    /// </summary>
    public async Task<IReadOnlyList<CersUser>> SearchAsync(string term, CancellationToken cancellationToken)
    {
        var text = term.Trim();
        var name = users.NormalizeName(text);
        var email = users.NormalizeEmail(text);
        // LIKE on upper-cased text, with the term's own % and _ escaped: a prefix match on every engine.
        var prefix = text.ToUpperInvariant().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
        return await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUserName!.StartsWith(name) || u.NormalizedEmail!.StartsWith(email)
                || EF.Functions.Like(u.FirstName.ToUpper(), prefix, @"\") || EF.Functions.Like(u.LastName.ToUpper(), prefix, @"\")
                || EF.Functions.Like((u.FirstName + " " + u.LastName).ToUpper(), prefix, @"\"))
            .OrderBy(u => u.NormalizedUserName)
            .Take(SearchLimit)
            .ToListAsync(cancellationToken);
    }

    public Task<CersUser?> FindAsync(string userId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);

    /// <summary>
    /// The help desk's answer to "I never got my activation email": a new link to a pending account (the older one stops
    /// working), within the activation window and the per-address daily cap strangers are held to, audited with the admin.
    /// Unlike the public resend there is no minimum interval: the admin has just heard the first did not arrive.
    /// </summary>
    public async Task<AdminResendOutcome> ResendActivationAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is not { Status: AccountStatus.PendingActivation })
        {
            return AdminResendOutcome.NotPending;
        }

        if (time.GetUtcNow().UtcDateTime >= activation.ExpiresAt(user))
        {
            return AdminResendOutcome.WindowPassed;
        }

        if (await outbox.IsOverDailyCapAsync(db, user.Email!, "activation", Activation.AccountActivation.DailyCap, cancellationToken))
        {
            return AdminResendOutcome.DailyCapReached;
        }

        activation.QueueActivationEmail(user, AuditKinds.ActivationResent, $"by {adminUserName}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Activated, resent or expired meanwhile: that outcome stands, and the admin looks again.
            db.ChangeTracker.Clear();
            return AdminResendOutcome.ChangedMeanwhile;
        }

        LogActivationResent(logger, userId, adminUserName);
        return AdminResendOutcome.Sent;
    }

    /// <summary>
    /// Ends a lockout before its time (the person proved who they are to the help desk), audited with the admin. The
    /// per-account windows of sign-in attempts end too: the attempts made while it was locked would otherwise still turn
    /// away, until their window ends, the person the help desk has just let back in.
    /// </summary>
    public async Task<bool> UnlockAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || !await users.IsLockedOutAsync(user))
        {
            return false;
        }

        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        audit.Add(AuditKinds.Unlocked, user.Id, user.UserName, $"by {adminUserName}");
        if (!(await users.UpdateAsync(user)).Succeeded)
        {
            return false;
        }

        try
        {
            foreach (var typed in new[] { user.UserName, user.Email }.OfType<string>())
            {
                await limits.ResetAsync(SignIn.AccountLimit.SignIn, typed);
            }

            await limits.ResetAsync(SignIn.AccountLimit.SecondFactor, user.Id);
        }
        catch (Cers.ServiceDefaults.SharedState.SharedStateUnavailableException e)
        {
            // The unlock stands; only the attempt windows are left to end on their own.
            LogWindowsNotReset(logger, e, user.Id);
        }

        return true;
    }

    /// <summary>Whether the account is locked out now, and until when (UTC).</summary>
    public DateTimeOffset? LockedUntil(CersUser user) =>
        user.LockoutEnd is { } end && end > time.GetUtcNow() ? end : null;

    /// <summary>
    /// Disables an active account: it can no longer sign in, a new security stamp ends its sessions,
    /// and its authorizations and refresh tokens are revoked, in one transaction.
    /// </summary>
    public async Task<bool> DisableAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var disabled = false;
        await db.InTransactionAsync(async ct =>
        {
            var user = await users.FindByIdAsync(userId);
            if (user is not { Status: AccountStatus.Active })
            {
                return;
            }

            user.Status = AccountStatus.Disabled;
            var updated = await users.UpdateSecurityStampAsync(user);
            if (!updated.Succeeded)
            {
                return;
            }

            audit.Add(AuditKinds.Disabled, user.Id, user.UserName, $"by {adminUserName}");
            await db.SaveChangesAsync(ct);
            await revocation.RevokeAllAsync(user, "account disabled", ct);
            disabled = true;
        }, cancellationToken);

        if (disabled)
        {
            LogDisabled(logger, userId, adminUserName);
        }

        return disabled;
    }

    /// <summary>
    /// Resets an account's sign-in factors for a person who lost them (help desk, after checking who is asking):
    /// removes its authenticator, recovery codes and every other second factor, turns two-factor sign-in off,
    /// ends its sessions (new security stamp) and revokes its tokens, in one transaction with the audit record
    /// naming the admin and the email telling the person. An account whose role requires a second factor is
    /// sent to enrol again at its next sign-in.
    /// </summary>
    public async Task<bool> ResetSignInFactorsAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var reset = false;
        await db.InTransactionAsync(async ct =>
        {
            reset = false;
            var user = await users.FindByIdAsync(userId);
            if (user is not { Status: AccountStatus.Active or AccountStatus.Disabled })
            {
                return;
            }

            await factors.RemoveAllFactorsAsync(user);
            var updated = await users.UpdateSecurityStampAsync(user);
            if (!updated.Succeeded)
            {
                return;
            }

            audit.Add(AuditKinds.SignInFactorsReset, user.Id, user.UserName, $"by {adminUserName}");
            outbox.Add(db, emails.Changed(user, "CERS Technical Support removed its authenticator app, recovery codes and passkeys, and signed it out everywhere. Signing in now asks for the password only (or to set up an authenticator again, if your role requires one)."));
            await db.SaveChangesAsync(ct);
            await revocation.RevokeAllAsync(user, "sign-in factors reset", ct);
            reset = true;
        }, cancellationToken);

        if (reset)
        {
            LogFactorsReset(logger, userId, adminUserName);
        }

        return reset;
    }

    /// <summary>
    /// Ends every session of the account (the help desk's answer to "I left myself signed in somewhere"), revoking the
    /// tokens issued in them, with an audit record naming the admin; the number ended, or null for no such account.
    /// </summary>
    public async Task<int?> EndSessionsAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return null;
        }

        var ended = await db.InTransactionAsync(async ct =>
        {
            var count = await sessions.EndAllAsync(user.Id, $"ended by {adminUserName}", ct);
            audit.Add(AuditKinds.SessionsEnded, user.Id, user.UserName, $"{count} sessions, by {adminUserName}");
            await db.SaveChangesAsync(ct);
            return count;
        }, cancellationToken);
        LogSessionsEnded(logger, userId, ended, adminUserName);
        return ended;
    }

    /// <summary>How many live sessions the account has.</summary>
    public Task<int> SessionCountAsync(string userId, CancellationToken cancellationToken) => sessions.CountAsync(userId, cancellationToken);

    public async Task<bool> EnableAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is not { Status: AccountStatus.Disabled })
        {
            return false;
        }

        user.Status = AccountStatus.Active;
        audit.Add(AuditKinds.Enabled, user.Id, user.UserName, $"by {adminUserName}");
        return (await users.UpdateAsync(user)).Succeeded;
    }

    /// <summary>The account's roles and agency code, as its tokens carry them.</summary>
    public async Task<(IReadOnlyList<string> Roles, string? AgencyCode)> RolesOfAsync(CersUser user)
    {
        var claims = await users.GetClaimsAsync(user);
        return ([.. claims.Where(c => c.Type == OpenIddict.Abstractions.OpenIddictConstants.Claims.Role).Select(c => c.Value)],
            claims.FirstOrDefault(c => c.Type == CersClaims.AgencyCode)?.Value);
    }

    /// <summary>
    /// Makes an active account regulator staff of one agency (<c>role=regulator</c>, <c>cupa=code</c>),
    /// replacing any agency it had. Its next tokens carry the claims (they are read at every issue and refresh).
    /// </summary>
    public async Task<bool> MakeRegulatorAsync(string userId, string agencyCode, string adminUserName, CancellationToken cancellationToken)
    {
        var changed = false;
        await db.InTransactionAsync(async ct =>
        {
            changed = false;
            var user = await users.FindByIdAsync(userId);
            if (user is not { Status: AccountStatus.Active })
            {
                return;
            }

            await RemoveRegulatorClaimsAsync(user);
            await users.AddClaimsAsync(user, [
                new Claim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Role, CersRoles.Regulator),
                new Claim(CersClaims.AgencyCode, agencyCode),
            ]);
            audit.Add(AuditKinds.RoleChanged, user.Id, user.UserName, $"regulator of {agencyCode}, by {adminUserName}");
            await db.SaveChangesAsync(ct);
            changed = true;
        }, cancellationToken);
        return changed;
    }

    public async Task<bool> RemoveRegulatorAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var changed = false;
        await db.InTransactionAsync(async ct =>
        {
            changed = false;
            var user = await users.FindByIdAsync(userId);
            if (user is null || !await RemoveRegulatorClaimsAsync(user))
            {
                return;
            }

            audit.Add(AuditKinds.RoleChanged, user.Id, user.UserName, $"regulator role removed, by {adminUserName}");
            await db.SaveChangesAsync(ct);
            changed = true;
        }, cancellationToken);
        return changed;
    }

    private async Task<bool> RemoveRegulatorClaimsAsync(CersUser user)
    {
        var old = (await users.GetClaimsAsync(user))
            .Where(c => (c.Type == OpenIddict.Abstractions.OpenIddictConstants.Claims.Role && c.Value == CersRoles.Regulator)
                || c.Type == CersClaims.AgencyCode)
            .ToList();
        if (old.Count == 0)
        {
            return false;
        }

        await users.RemoveClaimsAsync(user, old);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in factors of account {UserId} reset by {Admin}; its tokens are revoked")]
    private static partial void LogFactorsReset(ILogger logger, string userId, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} sessions of account {UserId} ended by {Admin}")]
    private static partial void LogSessionsEnded(ILogger logger, string userId, int count, string admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation link of account {UserId} sent again by {Admin}")]
    private static partial void LogActivationResent(ILogger logger, string userId, string admin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} unlocked, but the shared state did not answer: its sign-in attempt windows end on their own")]
    private static partial void LogWindowsNotReset(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} disabled by {Admin}; its tokens are revoked")]
    private static partial void LogDisabled(ILogger logger, string userId, string admin);
}

public enum AdminResendOutcome
{
    Sent,
    NotPending,
    WindowPassed,
    DailyCapReached,
    ChangedMeanwhile,
}
