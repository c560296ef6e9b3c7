using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Activation;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.SignIn;
using Cers.Idp.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Registration;

/// <summary>What a person typed on Create New Account (already checked for shape by the form).</summary>
public sealed record RegistrationRequest(
    string UserName,
    string FirstName,
    string LastName,
    string Email,
    string? Phone,
    string? Title,
    string Password,
    string ProtectionPhrase);

public enum RegistrationOutcome
{
    /// <summary>Shown as "check your email" whether or not an account was created.</summary>
    Accepted,

    /// <summary>The password breaks the policy; <see cref="RegistrationResult.PasswordErrors"/> says how.</summary>
    Invalid,

    /// <summary>Too many password hashes are queued; nothing was done.</summary>
    Busy,
}

public sealed record RegistrationResult(RegistrationOutcome Outcome, IReadOnlyList<string> PasswordErrors)
{
    public static readonly RegistrationResult Accepted = new(RegistrationOutcome.Accepted, []);
    public static readonly RegistrationResult Busy = new(RegistrationOutcome.Busy, []);
}

/// <summary>
/// Create My Account. The answer never says whether the username or email already exists: a new
/// account and a clash both end on "check your email", both hash the password once and both write
/// one email; the owner of the address learns what happened from that email. Everything the
/// registration owes (the account, its activation email, the audit events) is one SaveChanges. A pending
/// account never holds its email: registering with that email replaces it (see <see cref="RegisterAsync"/>).
/// </summary>
public sealed partial class AccountRegistration(
    IdpDbContext db,
    UserManager<CersUser> users,
    IPasswordHasher<CersUser> hasher,
    PasswordHashingGate gate,
    AccountActivation activation,
    AccountEmails emails,
    EmailOutbox outbox,
    AuditLog audit,
    TimeProvider time,
    IdpMetrics metrics,
    ILogger<AccountRegistration> logger)
{
    public async Task<RegistrationResult> RegisterAsync(RegistrationRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var candidate = new CersUser
        {
            UserName = request.UserName,
            NormalizedUserName = users.NormalizeName(request.UserName),
            Email = request.Email,
            NormalizedEmail = users.NormalizeEmail(request.Email),
            FirstName = request.FirstName,
            LastName = request.LastName,
            PhoneNumber = string.IsNullOrWhiteSpace(request.Phone) ? null : request.Phone,
            Title = string.IsNullOrWhiteSpace(request.Title) ? null : request.Title,
            ProtectionPhrase = request.ProtectionPhrase,
            Status = AccountStatus.PendingActivation,
            RegisteredAt = now,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };

        var passwordErrors = await PasswordErrorsAsync(candidate, request.Password);
        if (passwordErrors.Count > 0)
        {
            return new RegistrationResult(RegistrationOutcome.Invalid, passwordErrors);
        }

        // Hashed whether or not the account will be created, so both answers take the same time.
        var hash = await gate.TryRunAsync(() => Task.FromResult(hasher.HashPassword(candidate, request.Password)), cancellationToken);
        if (hash is null)
        {
            return RegistrationResult.Busy;
        }

        candidate.PasswordHash = hash;
        var clash = await ClashingAccountsAsync(candidate, cancellationToken);

        if (clash.Count == 0)
        {
            db.Users.Add(candidate);
            audit.Add(AuditKinds.Registered, candidate.Id, candidate.UserName);
            activation.QueueActivationEmail(candidate, AuditKinds.ActivationSent);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                LogRegistered(logger, candidate.Id);
                metrics.Registered();
                return RegistrationResult.Accepted;
            }
            catch (DbUpdateException)
            {
                // The same username or email was registered a moment ago by another request.
                db.ChangeTracker.Clear();
                clash = await ClashingAccountsAsync(candidate, cancellationToken);
            }
        }

        // An unverified account never holds an address: a registration with the email of a pending account
        // (and a username nobody else has) replaces it, so the link the address receives activates the account
        // whose password the registrant chose now, never one a stranger set up with this address earlier
        // (account pre-hijacking).
        if (PendingToReplace(candidate, clash) is { } pending && await ReplacePendingAsync(pending, candidate, cancellationToken))
        {
            return RegistrationResult.Accepted;
        }

        await NotifyClashAsync(candidate, clash, now, cancellationToken);
        return RegistrationResult.Accepted;
    }

    /// <summary>The pending account holding the candidate's email, when no other account holds its username.</summary>
    private static CersUser? PendingToReplace(CersUser candidate, List<CersUser> clash) =>
        clash.FirstOrDefault(u => u.NormalizedEmail == candidate.NormalizedEmail) is { Status: AccountStatus.PendingActivation } pending
        && clash.All(u => u.Id == pending.Id || u.NormalizedUserName != candidate.NormalizedUserName)
            ? pending
            : null;

    /// <summary>
    /// Deletes <paramref name="pending"/> and registers <paramref name="candidate"/> in its place, with its own
    /// activation email, in one transaction. When the address already had its day's activation emails, nothing
    /// changes (audited), so nobody can flood a mailbox by registering over and over. False when it could not
    /// (the pending account was activated or replaced a moment ago): the caller then treats the registration
    /// as a clash, which tells the address's owner by email.
    /// </summary>
    private async Task<bool> ReplacePendingAsync(CersUser pending, CersUser candidate, CancellationToken cancellationToken)
    {
        if (await outbox.IsOverDailyCapAsync(db, candidate.Email!, "activation", AccountActivation.DailyCap, cancellationToken))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, pending.Id, candidate.UserName, cancellationToken,
                "registration over a pending account: daily cap of activation emails reached");
            return true;
        }

        try
        {
            var replaced = false;
            await db.InTransactionAsync(async ct =>
            {
                replaced = await db.Users.Where(u => u.Id == pending.Id && u.Status == AccountStatus.PendingActivation)
                    .ExecuteDeleteAsync(ct) == 1;
                if (!replaced)
                {
                    return;
                }

                audit.Add(AuditKinds.PendingReplaced, pending.Id, pending.UserName, $"replaced by {candidate.Id} ({candidate.UserName})");
                db.Users.Add(candidate);
                audit.Add(AuditKinds.Registered, candidate.Id, candidate.UserName);
                activation.QueueActivationEmail(candidate, AuditKinds.ActivationSent);
                await db.SaveChangesAsync(ct);
            }, cancellationToken);
            if (replaced)
            {
                LogReplaced(logger, pending.Id, candidate.Id);
                metrics.Registered();
            }

            return replaced;
        }
        catch (DbUpdateException)
        {
            // Another registration took the username or the email in between; it stands.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private Task<List<CersUser>> ClashingAccountsAsync(CersUser candidate, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking()
            .Where(u => u.NormalizedUserName == candidate.NormalizedUserName || u.NormalizedEmail == candidate.NormalizedEmail)
            .ToListAsync(cancellationToken);

    private async Task<List<string>> PasswordErrorsAsync(CersUser candidate, string password)
    {
        var errors = new List<string>();
        if (string.Equals(password, candidate.UserName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("The password must be different from the username.");
            return errors;
        }

        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, candidate, password);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }

        return errors;
    }

    /// <summary>
    /// The username or email is taken. The person at the typed address is told by email: a pending
    /// account there (one that could not be replaced) gets a fresh activation link naming its username,
    /// an active one a reminder of its username, and a taken username a note to choose another. At most
    /// one such email per address per hour.
    /// </summary>
    private async Task NotifyClashAsync(CersUser candidate, List<CersUser> clash, DateTime now, CancellationToken cancellationToken)
    {
        var hour = now.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture);
        var byEmail = clash.FirstOrDefault(u => u.NormalizedEmail == candidate.NormalizedEmail);
        var existingId = (byEmail ?? clash.FirstOrDefault())?.Id;
        LogClash(logger, existingId);

        if (byEmail is { Status: AccountStatus.PendingActivation })
        {
            await activation.ResendAsync(byEmail.Email!, cancellationToken);
            return;
        }

        OutgoingEmail email;
        if (byEmail is not null)
        {
            email = emails.AlreadyRegistered(byEmail, $"already-registered:{byEmail.Id}:{hour}");
        }
        else
        {
            var key = $"username-taken:{SecretTokens.Hash(candidate.NormalizedEmail + "|" + candidate.NormalizedUserName)}:{hour}";
            email = emails.UserNameTaken(candidate.Email!, candidate.DisplayName, candidate.UserName!, key);
        }

        if (await db.EmailOutbox.AnyAsync(e => e.IdempotencyKey == email.IdempotencyKey, cancellationToken)
            || await outbox.IsOverDailyCapAsync(db, email.ToAddress, email.Kind, AccountActivation.DailyCap, cancellationToken))
        {
            await audit.WriteAsync(AuditKinds.RequestIgnored, existingId, candidate.UserName, cancellationToken, "registration clash notice: too soon or daily cap reached");
            return;
        }

        outbox.Add(db, email);
        audit.Add(AuditKinds.RegistrationClash, existingId, candidate.UserName);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same notice was written by a parallel attempt.
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} registered, pending activation")]
    private static partial void LogRegistered(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending account {OldUserId} replaced by a new registration {UserId} with the same email")]
    private static partial void LogReplaced(ILogger logger, string oldUserId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration matched existing account {UserId}; its owner is told by email")]
    private static partial void LogClash(ILogger logger, string? userId);
}
