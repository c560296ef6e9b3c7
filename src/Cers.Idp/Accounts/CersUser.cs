using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

public enum AccountStatus
{
    /// <summary>Registered; the activation email is out. Cannot sign in. Expires after the activation window.</summary>
    PendingActivation,
    Active,

    /// <summary>Turned off by a CERS admin; cannot sign in, every token revoked.</summary>
    Disabled,

    /// <summary>
    /// Not activated within the window. Only ever seen inside the expiry job's transaction, which
    /// deletes the account (freeing its username and email) and keeps an audit event.
    /// </summary>
    Expired,
}

/// <summary>A CERS account: one person, one sign-in. Identity's columns plus what CERS asks for at registration.</summary>
public sealed class CersUser : IdentityUser
{
    [PersonalData]
    public string FirstName { get; set; } = "";

    [PersonalData]
    public string LastName { get; set; } = "";

    [PersonalData]
    public string? Title { get; set; }

    /// <summary>Shown at sign-in before the password is asked for, so a look-alike site is noticed.</summary>
    [PersonalData]
    public string ProtectionPhrase { get; set; } = "";

    public AccountStatus Status { get; set; } = AccountStatus.Active;

    /// <summary>UTC; the activation window and the reminders count from here.</summary>
    public DateTime RegisteredAt { get; set; }

    public DateTime? ActivatedAt { get; set; }

    /// <summary>SHA-256 of the newest activation link's secret; a new link replaces it, activation clears it.</summary>
    public string? ActivationTokenHash { get; set; }

    /// <summary>UTC; when the newest activation email was written, for the per-account resend limit.</summary>
    public DateTime? ActivationSentAt { get; set; }

    /// <summary>How many of the configured reminder offsets have been sent (they are sent in order, each at most once).</summary>
    public int RemindersSent { get; set; }

    /// <summary>
    /// An address the person asked to change to and has not confirmed yet; <see cref="IdentityUser.Email"/> stays
    /// as it is until the link sent to this address is opened.
    /// </summary>
    [PersonalData]
    public string? PendingEmail { get; set; }

    /// <summary>SHA-256 of the email-change link's secret; a new request replaces it, confirmation clears it.</summary>
    public string? EmailChangeTokenHash { get; set; }

    /// <summary>UTC; when the newest email-change link was sent (it is valid for a limited time from here).</summary>
    public DateTime? EmailChangeRequestedAt { get; set; }

    public string DisplayName => $"{FirstName} {LastName}".Trim();
}
