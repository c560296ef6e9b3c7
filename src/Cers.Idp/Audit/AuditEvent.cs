namespace Cers.Idp.Audit;

/// <summary>One security event: what happened, to whom, from where. Never a password, token, link or phrase.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime OccurredAt { get; set; }

    public required string Kind { get; set; }

    /// <summary>The account's id (<c>sub</c>); kept after the account itself expires and is removed.</summary>
    public string? SubjectId { get; set; }

    public string? UserName { get; set; }

    public string? IpAddress { get; set; }

    public string? Detail { get; set; }
}

/// <summary>The kinds of <see cref="AuditEvent"/>, as stored.</summary>
public static class AuditKinds
{
    public const string Registered = "registered";
    public const string RegistrationClash = "registration-clash";
    public const string PendingReplaced = "pending-replaced";
    public const string ActivationSent = "activation-sent";
    public const string ActivationResent = "activation-resent";
    public const string Activated = "activated";
    public const string ActivationFailed = "activation-failed";
    public const string ReminderSent = "reminder-sent";
    public const string Expired = "expired";
    public const string SignedIn = "signed-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string PasswordResetRequested = "password-reset-requested";
    public const string PasswordReset = "password-reset";
    public const string UsernameReminderRequested = "username-reminder-requested";

    /// <summary>A resend, reset or username request that sent nothing (no such account, too soon, over the daily cap).</summary>
    public const string RequestIgnored = "request-ignored";
    public const string TokensRevoked = "tokens-revoked";

    /// <summary>One session ended on purpose (signed out, ended from My Account or by an admin); the detail says how.</summary>
    public const string SessionEnded = "session-ended";

    /// <summary>Every session of the account ended at once ("sign out everywhere", or by an admin); the detail says how.</summary>
    public const string SessionsEnded = "sessions-ended";
    public const string Disabled = "disabled";
    public const string Enabled = "enabled";
    public const string AdminCreated = "admin-created";
    public const string RoleChanged = "role-changed";
    public const string AnnouncementChanged = "announcement-changed";
    public const string ProfileChanged = "profile-changed";
    public const string PasswordChanged = "password-changed";
    public const string PasswordChangeFailed = "password-change-failed";
    public const string PhraseChanged = "phrase-changed";
    public const string EmailChangeRequested = "email-change-requested";
    public const string EmailChangeFailed = "email-change-failed";
    public const string EmailChanged = "email-changed";
    public const string SecondFactorFailed = "second-factor-failed";
    public const string SignedInWithSecondFactor = "signed-in-second-factor";
    public const string AuthenticatorEnrolled = "authenticator-enrolled";
    public const string AuthenticatorRemoved = "authenticator-removed";
    public const string RecoveryCodesRegenerated = "recovery-codes-regenerated";

    /// <summary>A CERS admin removed every sign-in factor of an account (authenticator, recovery codes, passkeys).</summary>
    public const string SignInFactorsReset = "sign-in-factors-reset";

    /// <summary>A CERS admin ended a lockout before its time; the detail names the admin.</summary>
    public const string Unlocked = "unlocked";
    public const string PasskeyAdded = "passkey-added";
    public const string PasskeyRenamed = "passkey-renamed";
    public const string PasskeyRemoved = "passkey-removed";

    /// <summary>A passkey registration whose challenge or authenticator answer did not verify; nothing was added.</summary>
    public const string PasskeyRejected = "passkey-rejected";

    /// <summary>A signing key was made (<c>Keys:Mode=Automatic</c>): on schedule, by an early rotation, or replacing a retired one.</summary>
    public const string SigningKeyCreated = "signing-key-created";

    /// <summary>An operator retired a signing key: it left the JWKS at once.</summary>
    public const string SigningKeyRetired = "signing-key-retired";

    /// <summary>A CERS admin made a retrying or set-aside email of the outbox due now (the email operations page).</summary>
    public const string EmailRetriedNow = "email-retried-now";

    /// <summary>A CERS admin discarded an unsent email of the outbox: it is kept, marked, and never sent.</summary>
    public const string EmailDiscarded = "email-discarded";
}
