using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Activation;

public enum ActivationOutcome
{
    /// <summary>The link is good; the page asks the person to confirm (a POST), so a mail scanner fetching the link activates nothing.</summary>
    Ready,
    Activated,
    AlreadyActive,

    /// <summary>The link is not one CERS sent, or a newer email replaced it.</summary>
    InvalidLink,

    /// <summary>The activation window passed (the account may already be gone).</summary>
    Expired,

    /// <summary>The link is good but the password is not the account's: nothing changed, the page asks again.</summary>
    WrongPassword,

    /// <summary>Too many password checks are queued; nothing changed, the page asks to try again.</summary>
    Busy,
}

/// <summary>
/// Activation links: issued with each activation email (a new one replaces the last), used once,
/// good for the activation window, and only together with the account's password. The link proves the
/// mailbox, the password proves the person who registered: the owner of an address cannot be led into
/// activating an account a stranger registered with it (account pre-hijacking), nor can the stranger,
/// who has no link. Resending is limited per account by <see cref="ActivationOptions.ResendInterval"/>
/// and per address by the rate limiter.
/// </summary>
public sealed partial class AccountActivation(
    IdpDbContext db,
    UserManager<CersUser> users,
    IPasswordHasher<CersUser> hasher,
    Cers.Idp.SignIn.PasswordHashingGate gate,
    SecretTokens tokens,
    AccountLinks links,
    AccountEmails emails,
    EmailOutbox outbox,
    AuditLog audit,
    IOptions<ActivationOptions> options,
    TimeProvider time,
    IdpMetrics metrics,
    ILogger<AccountActivation> logger)
{
    /// <summary>Most activation emails one address gets in 24 hours, however often the resend button is pressed.</summary>
    public const int DailyCap = 5;

    public DateTime ExpiresAt(CersUser user) => user.RegisteredAt + options.Value.Window;

    /// <summary>Gives the account a new activation link (replacing any older one) and returns it.</summary>
    private string IssueLink(CersUser user)
    {
        var token = tokens.NewToken();
        user.ActivationTokenHash = SecretTokens.Hash(token);
        user.ActivationSentAt = time.GetUtcNow().UtcDateTime;

        // A new stamp makes the save conditional on the account being as it was read (Identity's concurrency
        // token): of two resends racing (queued jobs run side by side), one writes its email and the other stops,
        // so neither the resend interval nor the daily cap can be passed by both.
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        return links.Activation(user.Id, token);
    }

    /// <summary>Writes the activation email for a just-registered or resending account into the current unit of work.</summary>
    public void QueueActivationEmail(CersUser user, string auditKind, string? auditDetail = null)
    {
        var link = IssueLink(user);
        outbox.Add(db, emails.Activation(user, link, ExpiresAt(user), $"activation:{user.Id}:{user.ActivationTokenHash}"));
        audit.Add(auditKind, user.Id, user.UserName, auditDetail);
    }

    /// <summary>
    /// What the link would do, changing nothing (the GET of the activation page), and, for a good link, the
    /// username it activates: the page names it, so nobody activates an account they did not create.
    /// </summary>
    public async Task<(ActivationOutcome Outcome, string? UserName)> CheckAsync(string? userId, string? token, CancellationToken cancellationToken)
    {
        var (outcome, user) = await InspectAsync(userId, token, cancellationToken);
        return (outcome, user?.UserName);
    }

    public async Task<ActivationOutcome> ActivateAsync(string? userId, string? token, string? password, CancellationToken cancellationToken)
    {
        var (outcome, user) = await InspectAsync(userId, token, cancellationToken);
        if (outcome != ActivationOutcome.Ready || user is null)
        {
            return outcome;
        }

        if (string.IsNullOrEmpty(password) || password.Length > 128 || user.PasswordHash is null)
        {
            return ActivationOutcome.WrongPassword;
        }

        var verified = await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(user, user.PasswordHash, password)),
            cancellationToken);
        if (verified is null)
        {
            return ActivationOutcome.Busy;
        }

        if ((PasswordVerificationResult)verified == PasswordVerificationResult.Failed)
        {
            await audit.WriteAsync(AuditKinds.ActivationFailed, user.Id, user.UserName, cancellationToken, "wrong password");
            return ActivationOutcome.WrongPassword;
        }

        var now = time.GetUtcNow().UtcDateTime;

        // Conditional on the link still being the current one: two clicks at once activate once.
        var hash = user.ActivationTokenHash;
        var changed = await db.Users
            .Where(u => u.Id == user.Id && u.Status == AccountStatus.PendingActivation && u.ActivationTokenHash == hash)
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.Status, AccountStatus.Active)
                .SetProperty(u => u.EmailConfirmed, true)
                .SetProperty(u => u.ActivatedAt, now)
                .SetProperty(u => u.ActivationTokenHash, (string?)null)
                .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
        if (changed == 0)
        {
            return ActivationOutcome.AlreadyActive;
        }

        await audit.WriteAsync(AuditKinds.Activated, user.Id, user.UserName, cancellationToken);
        LogActivated(logger, user.Id);
        metrics.Activated();
        return ActivationOutcome.Activated;
    }

    private async Task<(ActivationOutcome Outcome, CersUser? User)> InspectAsync(string? userId, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId) || userId.Length > 64 || string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (ActivationOutcome.InvalidLink, null);
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            // Either never existed or expired and removed; the page says both.
            return (ActivationOutcome.Expired, null);
        }

        if (user.Status != AccountStatus.PendingActivation)
        {
            return (user.Status == AccountStatus.Active && user.ActivatedAt is not null
                ? ActivationOutcome.AlreadyActive
                : ActivationOutcome.InvalidLink, null);
        }

        if (!SecretTokens.Matches(token, user.ActivationTokenHash))
        {
            return (ActivationOutcome.InvalidLink, null);
        }

        return time.GetUtcNow().UtcDateTime >= ExpiresAt(user) ? (ActivationOutcome.Expired, null) : (ActivationOutcome.Ready, user);
    }

    /// <summary>
    /// Sends a new activation link to a pending account with this email address. Says nothing about
    /// whether there is one: the caller shows the same page either way.
    /// </summary>
    public async Task ResendAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = users.NormalizeEmail(email.Trim());
        var user = await db.Users.SingleOrDefaultAsync(
            u => u.NormalizedEmail == normalized && u.Status == AccountStatus.PendingActivation, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var ignored = user is null || now >= ExpiresAt(user) ? "no pending account"
            : user.ActivationSentAt is { } last && now - last < options.Value.ResendInterval ? "too soon after the last email"
            : await outbox.IsOverDailyCapAsync(db, user.Email!, "activation", DailyCap, cancellationToken) ? "daily cap reached"
            : null;
        if (ignored is not null)
        {
            // Written either way, so a request for an unknown address costs the same as one for a real one.
            await audit.WriteAsync(AuditKinds.RequestIgnored, user?.Id, user?.UserName, cancellationToken, "activation resend: " + ignored);
            return;
        }

        QueueActivationEmail(user!, AuditKinds.ActivationResent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another resend or the activation itself won; that one's email (or none) stands.
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} activated")]
    private static partial void LogActivated(ILogger logger, string userId);

}
