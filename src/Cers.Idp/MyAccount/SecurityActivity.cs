using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.MyAccount;

public sealed record SecurityActivityEntry(DateTime OccurredAt, string Kind, string Description, string? IpAddress);

/// <summary>The account's own audit events (sign-ins, failures, lockouts, changes), newest first, a page at a time.</summary>
public sealed class SecurityActivity(IdpDbContext db, IOptions<MyAccountOptions> options)
{
    public async Task<HistoryPage<SecurityActivityEntry>> PageAsync(string userId, int page, CancellationToken cancellationToken)
    {
        var size = options.Value.PageSize;
        page = Math.Clamp(page, 1, 10_000);
        var rows = await db.AuditEvents
            .Where(a => a.SubjectId == userId)
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * size)
            .Take(size + 1)
            .Select(a => new { a.OccurredAt, a.Kind, a.IpAddress })
            .ToListAsync(cancellationToken);

        return new HistoryPage<SecurityActivityEntry>(
            [.. rows.Take(size).Select(a => new SecurityActivityEntry(a.OccurredAt, a.Kind, Describe(a.Kind), a.IpAddress))],
            page,
            rows.Count > size);
    }

    /// <summary>An audit kind in the person's words. Details are left out: they may name another account.</summary>
    public static string Describe(string kind) => kind switch
    {
        AuditKinds.Registered => "Account requested",
        AuditKinds.ActivationSent or AuditKinds.ActivationResent => "Activation email sent",
        AuditKinds.Activated => "Account activated",
        AuditKinds.ActivationFailed => "Activation attempt refused",
        AuditKinds.ReminderSent => "Activation reminder sent",
        AuditKinds.SignedIn => "Signed in",
        AuditKinds.SignInFailed => "Sign-in failed",
        AuditKinds.LockedOut => "Locked after repeated failures",
        AuditKinds.PasswordResetRequested => "Password reset link sent",
        AuditKinds.PasswordReset => "Password reset",
        AuditKinds.UsernameReminderRequested => "Username reminder sent",
        AuditKinds.RequestIgnored => "Request not sent (limit reached)",
        AuditKinds.TokensRevoked => "Signed out of every application",
        AuditKinds.SessionEnded => "Signed out of a session",
        AuditKinds.SessionsEnded => "Signed out everywhere",
        AuditKinds.Disabled => "Account disabled by CERS",
        AuditKinds.Enabled => "Account enabled by CERS",
        AuditKinds.RoleChanged => "Role changed by CERS",
        AuditKinds.ProfileChanged => "Profile changed",
        AuditKinds.PasswordChanged => "Password changed",
        AuditKinds.PasswordChangeFailed => "Password change refused: wrong current password",
        AuditKinds.PhraseChanged => "Protection phrase changed",
        AuditKinds.EmailChangeRequested => "Change of email address asked for",
        AuditKinds.EmailChangeFailed => "Change of email address refused: wrong current password",
        AuditKinds.EmailChanged => "Email address changed",
        AuditKinds.SignedInWithSecondFactor => "Signed in with a second factor",
        AuditKinds.SecondFactorFailed => "Second-factor code refused",
        AuditKinds.AuthenticatorEnrolled => "Authenticator app set up",
        AuditKinds.AuthenticatorRemoved => "Authenticator app turned off",
        AuditKinds.RecoveryCodesRegenerated => "New recovery codes made",
        AuditKinds.SignInFactorsReset => "Sign-in factors reset by CERS",
        _ => kind.Replace('-', ' '),
    };
}
