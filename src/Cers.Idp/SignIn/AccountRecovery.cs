using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.Idp.Accounts;
using Cers.Idp.Activation;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

public enum PasswordResetOutcome
{
    Reset,
    InvalidLink,
    PasswordRejected,
}

public sealed record PasswordResetResult(PasswordResetOutcome Outcome, IReadOnlyList<string> PasswordErrors);

/// <summary>
/// Forgot username, forgot password, reset password. The requests answer the same whatever was
/// typed; only the mailbox of a real account hears anything. At most one email of each kind per
/// account per window (the idempotency key carries the window), on top of the per-IP rate limit.
/// A reset revokes the account's tokens and sessions.
/// </summary>
public sealed partial class AccountRecovery(
    IdpDbContext db,
    UserManager<CersUser> users,
    AccountActivation activation,
    AccountLinks links,
    EmailOutbox outbox,
    AuditLog audit,
    TokenRevocation revocation,
    IOptions<EmailOptions> email,
    TimeProvider time,
    ILogger<AccountRecovery> logger)
{
    public async Task SendUserNameAsync(string emailAddress, CancellationToken cancellationToken)
    {
        var normalized = users.NormalizeEmail(emailAddress.Trim());
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null || user.Status is not (AccountStatus.Active or AccountStatus.PendingActivation))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, user?.Id, user?.UserName, cancellationToken, "username reminder: no account");
            return;
        }

        var message = new EmailContent("Your CERS username")
            .Greeting(user.DisplayName)
            .Paragraph($"You asked for the username of the CERS account that uses this email address. It is: {user.UserName}")
            .Link("Sign in to CERS", links.SignIn())
            .Paragraph("If you did not ask, you can ignore this email.")
            .ToAccount($"username-reminder:{user.Id}:{Window(TimeSpan.FromMinutes(10))}", "username-reminder", user, email.Value);
        await QueueOnceAsync(message, AuditKinds.UsernameReminderRequested, user, cancellationToken);
    }

    public async Task SendPasswordResetAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = users.NormalizeName(userName.Trim());
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        if (user is null || user.Status is not (AccountStatus.Active or AccountStatus.PendingActivation))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, user?.Id, user?.UserName, cancellationToken, "password reset: no account");
            return;
        }

        if (user.Status == AccountStatus.PendingActivation)
        {
            // The account has no usable password until it is activated; a new activation link helps more.
            await activation.ResendAsync(user.Email!, cancellationToken);
            return;
        }

        var key = $"password-reset:{user.Id}:{Window(TimeSpan.FromMinutes(5))}";
        if (await db.EmailOutbox.AnyAsync(e => e.IdempotencyKey == key, cancellationToken))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, user.Id, user.UserName, cancellationToken, "password reset: too soon after the last email");
            return;
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var message = new EmailContent("Reset your CERS password")
            .Greeting(user.DisplayName)
            .Paragraph($"Someone, perhaps you, asked to reset the password of the CERS account {user.UserName}. To choose a new password, open the link below within one hour.")
            .Link("Choose a new password", links.ResetPassword(user.Id, token))
            .Paragraph("If you did not ask, ignore this email: your password stays as it is.")
            .ToAccount(key, "password-reset", user, email.Value);
        await QueueOnceAsync(message, AuditKinds.PasswordResetRequested, user, cancellationToken);
    }

    public async Task<bool> IsResetLinkValidAsync(string? userId, string? token)
    {
        var user = await FindForResetAsync(userId, token);
        return user is not null
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<CersUser>.ResetPasswordTokenPurpose, token!);
    }

    public async Task<PasswordResetResult> ResetAsync(string? userId, string? token, string newPassword, CancellationToken cancellationToken)
    {
        PasswordResetResult result = new(PasswordResetOutcome.InvalidLink, []);
        await db.InTransactionAsync(async ct =>
        {
            // Loaded inside the transaction, so a retried attempt starts from the stored account.
            result = new PasswordResetResult(PasswordResetOutcome.InvalidLink, []);
            var user = await FindForResetAsync(userId, token);
            if (user is null)
            {
                return;
            }

            var reset = await users.ResetPasswordAsync(user, token!, newPassword);
            if (!reset.Succeeded)
            {
                result = reset.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                    ? new PasswordResetResult(PasswordResetOutcome.InvalidLink, [])
                    : new PasswordResetResult(PasswordResetOutcome.PasswordRejected, [.. reset.Errors.Select(e => e.Description)]);
                return;
            }

            // A reset proves control of the mailbox: lift a lockout the forgotten password caused.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);

            var notice = new EmailContent("Your CERS password was changed")
                .Greeting(user.DisplayName)
                .Paragraph($"The password of the CERS account {user.UserName} was just changed, and every device signed in to it was signed out.")
                .Paragraph($"If you did not do this, reset your password at once and tell CERS Technical Support at {email.Value.FromAddress}.")
                .Link("Reset my password", links.ForgotPassword())
                .ToAccount($"password-changed:{user.Id}:{user.SecurityStamp}", "password-changed", user, email.Value);
            outbox.Add(db, notice);
            audit.Add(AuditKinds.PasswordReset, user.Id, user.UserName);
            await db.SaveChangesAsync(ct);
            await revocation.RevokeAllAsync(user, "password reset", ct);
            result = new PasswordResetResult(PasswordResetOutcome.Reset, []);
            LogReset(logger, user.Id);
        }, cancellationToken);

        if (result.Outcome != PasswordResetOutcome.Reset)
        {
            db.ChangeTracker.Clear();
        }

        return result;
    }

    private async Task<CersUser?> FindForResetAsync(string? userId, string? token)
    {
        if (string.IsNullOrEmpty(userId) || userId.Length > 64 || string.IsNullOrEmpty(token) || token.Length > 1000)
        {
            return null;
        }

        var user = await users.FindByIdAsync(userId);
        return user is { Status: AccountStatus.Active } ? user : null;
    }

    /// <summary>Most emails of one kind (reset, username reminder) an address gets in 24 hours.</summary>
    public const int DailyCap = 5;

    private async Task QueueOnceAsync(OutgoingEmail message, string auditKind, CersUser user, CancellationToken cancellationToken)
    {
        if (await db.EmailOutbox.AnyAsync(e => e.IdempotencyKey == message.IdempotencyKey, cancellationToken)
            || await outbox.IsOverDailyCapAsync(db, message.ToAddress, message.Kind, DailyCap, cancellationToken))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, user.Id, user.UserName, cancellationToken, message.Kind + ": too soon or daily cap reached");
            return;
        }

        outbox.Add(db, message);
        audit.Add(auditKind, user.Id, user.UserName);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A parallel request wrote the same email.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The current window of the given length, as text for an idempotency key.</summary>
    private string Window(TimeSpan length) => (time.GetUtcNow().UtcTicks / length.Ticks).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password of {UserId} reset; tokens and sessions revoked")]
    private static partial void LogReset(ILogger logger, string userId);
}
