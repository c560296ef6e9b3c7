using Cers.Data;
using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.MyAccount;

public enum EmailChangeRequestOutcome
{
    /// <summary>Answered as sent, whether a link went out or the owner of the address was told instead.</summary>
    Sent,
    WrongPassword,
    LockedOut,
    SameAddress,
    Busy,
}

public enum EmailChangeConfirmOutcome
{
    Changed,

    /// <summary>Unknown, used, replaced by a newer request, or past its lifetime.</summary>
    InvalidLink,

    /// <summary>Another account took the address after the link was sent; nothing changed.</summary>
    AddressTaken,
}

/// <summary>
/// Moving an account to a new email address. Nothing changes until the new address proves it reads its
/// mail: the request stores the address beside the account with the hash of a single-use link sent there,
/// and tells the current address. An address that already belongs to another account is answered exactly
/// like a free one (no enumeration); its owner is emailed instead, and no link goes out. Addresses stay
/// unique: the confirmation re-checks, and the database's unique index settles a race.
/// </summary>
public sealed partial class EmailChange(
    IdpDbContext db,
    UserManager<CersUser> users,
    SignInManager<CersUser> signIn,
    PasswordHashingGate gate,
    SecretTokens tokens,
    AccountLinks links,
    EmailOutbox outbox,
    MyAccountEmails emails,
    AuditLog audit,
    IOptions<MyAccountOptions> options,
    TimeProvider time,
    ILogger<EmailChange> logger)
{
    public async Task<EmailChangeRequestOutcome> RequestAsync(CersUser user, string newAddress, string currentPassword, CancellationToken cancellationToken)
    {
        newAddress = newAddress.Trim();
        if (string.Equals(newAddress, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return EmailChangeRequestOutcome.SameAddress;
        }

        // The password again: a session left open must not be enough to move the account (and with it every
        // password reset) to someone else's mailbox.
        var check = await gate.TryRunAsync(() => signIn.CheckPasswordSignInAsync(user, currentPassword, lockoutOnFailure: true), cancellationToken);
        if (check is null)
        {
            return EmailChangeRequestOutcome.Busy;
        }

        if (!check.Succeeded)
        {
            await audit.WriteAsync(check.IsLockedOut ? AuditKinds.LockedOut : AuditKinds.EmailChangeFailed, user.Id, user.UserName, cancellationToken);
            return check.IsLockedOut ? EmailChangeRequestOutcome.LockedOut : EmailChangeRequestOutcome.WrongPassword;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var owner = await users.FindByEmailAsync(newAddress);
        if (owner is not null && owner.Id != user.Id)
        {
            var key = $"{MyAccountEmails.Kinds.EmailAlreadyInUse}:{owner.Id}:{user.Id}:{now:yyyyMMdd}";
            if (!await db.EmailOutbox.AnyAsync(e => e.IdempotencyKey == key, cancellationToken))
            {
                outbox.Add(db, emails.AddressAlreadyInUse(owner, key));
            }

            audit.Add(AuditKinds.EmailChangeRequested, user.Id, user.UserName, "address in use by another account");
            await db.SaveChangesAsync(cancellationToken);
            return EmailChangeRequestOutcome.Sent;
        }

        if (await outbox.IsOverDailyCapAsync(db, newAddress, MyAccountEmails.Kinds.EmailChangeConfirm, options.Value.EmailChangeDailyCap, cancellationToken))
        {
            // Answered like a sent link: the cap protects the address's owner, and says nothing about them.
            await audit.WriteAsync(AuditKinds.RequestIgnored, user.Id, user.UserName, cancellationToken, "email change: daily cap reached");
            return EmailChangeRequestOutcome.Sent;
        }

        var token = tokens.NewToken();
        var hash = SecretTokens.Hash(token);
        user.PendingEmail = newAddress;
        user.EmailChangeTokenHash = hash;
        user.EmailChangeRequestedAt = now;
        outbox.Add(db, emails.ConfirmNewAddress(user, newAddress, links.ConfirmEmail(user.Id, token), now + options.Value.EmailChangeLinkLifetime, hash));
        outbox.Add(db, emails.ChangeRequested(user, hash));
        audit.Add(AuditKinds.EmailChangeRequested, user.Id, user.UserName);
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded)
        {
            db.ChangeTracker.Clear();
            return EmailChangeRequestOutcome.Busy;
        }

        LogRequested(logger, user.Id);
        return EmailChangeRequestOutcome.Sent;
    }

    /// <summary>The account a confirmation link names, with the address it would move to, if the link still works.</summary>
    public async Task<CersUser?> FindForLinkAsync(string? userId, string? token)
    {
        if (string.IsNullOrEmpty(userId) || userId.Length > 64 || string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var user = await users.FindByIdAsync(userId);
        return user is { Status: AccountStatus.Active, PendingEmail: not null, EmailChangeRequestedAt: { } requestedAt }
            && requestedAt + options.Value.EmailChangeLinkLifetime > time.GetUtcNow().UtcDateTime
            && SecretTokens.Matches(token, user.EmailChangeTokenHash)
                ? user
                : null;
    }

    public async Task<EmailChangeConfirmOutcome> ConfirmAsync(string? userId, string? token, CancellationToken cancellationToken)
    {
        var outcome = EmailChangeConfirmOutcome.InvalidLink;
        try
        {
            await db.InTransactionAsync(async ct =>
            {
                outcome = EmailChangeConfirmOutcome.InvalidLink;
                var user = await FindForLinkAsync(userId, token);
                if (user is null)
                {
                    return;
                }

                var newAddress = user.PendingEmail!;
                var hash = user.EmailChangeTokenHash!;
                var oldAddress = user.Email!;
                var owner = await users.FindByEmailAsync(newAddress);
                if (owner is not null && owner.Id != user.Id)
                {
                    outcome = EmailChangeConfirmOutcome.AddressTaken;
                    return;
                }

                // The link is spent whatever follows (single use); Identity's SetEmailAsync would mark the address
                // unconfirmed and the stamp is renewed so a session elsewhere sees the change within a minute.
                user.Email = newAddress;
                user.NormalizedEmail = users.NormalizeEmail(newAddress);
                user.EmailConfirmed = true;
                user.PendingEmail = null;
                user.EmailChangeTokenHash = null;
                user.EmailChangeRequestedAt = null;
                outbox.Add(db, emails.AddressChanged(user, oldAddress, hash));
                audit.Add(AuditKinds.EmailChanged, user.Id, user.UserName);
                var updated = await users.UpdateSecurityStampAsync(user);
                if (!updated.Succeeded)
                {
                    // Identity's own uniqueness check (RequireUniqueEmail) or a concurrent change of the account.
                    db.ChangeTracker.Clear();
                    outcome = updated.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateEmail))
                        ? EmailChangeConfirmOutcome.AddressTaken
                        : EmailChangeConfirmOutcome.InvalidLink;
                    return;
                }

                outcome = EmailChangeConfirmOutcome.Changed;
                LogChanged(logger, user.Id);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on the normalized address: another account took it at the same moment.
            db.ChangeTracker.Clear();
            outcome = EmailChangeConfirmOutcome.AddressTaken;
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} asked to change their email address")]
    private static partial void LogRequested(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} confirmed a new email address")]
    private static partial void LogChanged(ILogger logger, string userId);
}
