using System.Security.Claims;
using System.Security.Cryptography;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Cers.Idp.Admin;

public enum AdminEnrollmentOutcome
{
    /// <summary>A new active account, with the admin role and no password yet.</summary>
    Created,

    /// <summary>An existing active account was given the admin role.</summary>
    Promoted,

    /// <summary>The account was an admin already; nothing changed (a new password link is issued if it has no password).</summary>
    AlreadyAdmin,

    /// <summary>Nothing changed: the account is not active, or the username and email belong to different accounts.</summary>
    Refused,
}

/// <summary>
/// What the command did. <see cref="PasswordLink"/> is set when the account has no password yet: a
/// password-reset link (one hour, once) on which the person chooses it. It is a secret for that
/// person, so it goes to the operator's terminal only, never to a log.
/// </summary>
public sealed record AdminEnrollmentResult(AdminEnrollmentOutcome Outcome, string? Problem = null, string? PasswordLink = null, string? ProtectionPhrase = null);

/// <summary>
/// Makes a CERS admin (<c>role=cers-admin</c>, the CalEPA help desk) from the command line: the way
/// the first admin comes to exist, since only admins can grant roles in the pages. The account is
/// created active and without a password; its owner sets one through the reset page, so no password
/// is ever typed on a command line, printed or stored by this command.
/// </summary>
public sealed partial class AdminEnrollment(
    IdpDbContext db,
    UserManager<CersUser> users,
    AuditLog audit,
    AccountLinks links,
    TimeProvider time,
    ILogger<AdminEnrollment> logger)
{
    public const string AuditDetail = "create-admin command";

    public async Task<AdminEnrollmentResult> EnrollAsync(CreateAdminArguments arguments, CancellationToken cancellationToken)
    {
        var userName = arguments.UserName!;
        var existing = await users.FindByNameAsync(userName);
        if (existing is null)
        {
            return await CreateAsync(arguments, cancellationToken);
        }

        if (existing.Status != AccountStatus.Active)
        {
            return new AdminEnrollmentResult(AdminEnrollmentOutcome.Refused,
                $"The account '{existing.UserName}' is {Describe(existing.Status)}; only an active account can be made a CERS admin.");
        }

        // Both must name the same person: a mistyped username must not hand the role to a stranger.
        if (!string.Equals(users.NormalizeEmail(existing.Email), users.NormalizeEmail(arguments.Email), StringComparison.Ordinal))
        {
            return new AdminEnrollmentResult(AdminEnrollmentOutcome.Refused,
                $"The account '{existing.UserName}' exists with a different email address. Check the username and the email address.");
        }

        var outcome = AdminEnrollmentOutcome.AlreadyAdmin;
        if (!await users.IsCersAdminAsync(existing))
        {
            await db.InTransactionAsync(async ct =>
            {
                // Loaded again inside the transaction (each attempt starts with an empty change tracker).
                var current = await users.FindByIdAsync(existing.Id) ?? throw new InvalidOperationException("The account disappeared.");
                await GrantAdminRoleAsync(current);
                audit.Add(AuditKinds.AdminCreated, current.Id, current.UserName, "promoted by the " + AuditDetail);
                await db.SaveChangesAsync(ct);
                existing = current;
            }, cancellationToken);
            outcome = AdminEnrollmentOutcome.Promoted;
            LogPromoted(logger, existing.UserName!);
        }

        if (await users.HasPasswordAsync(existing))
        {
            return new AdminEnrollmentResult(outcome);
        }

        // An earlier run's link was not used in time: a fresh one.
        audit.Add(AuditKinds.PasswordResetRequested, existing.Id, existing.UserName, AuditDetail);
        await db.SaveChangesAsync(cancellationToken);
        return new AdminEnrollmentResult(outcome, PasswordLink: await PasswordLinkAsync(existing));
    }

    private async Task<AdminEnrollmentResult> CreateAsync(CreateAdminArguments arguments, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(arguments.Email!) is not null)
        {
            return new AdminEnrollmentResult(AdminEnrollmentOutcome.Refused,
                "The email address is already used by another CERS account; each person has one account. "
                + "Give that account's username to make it an admin.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = new CersUser
        {
            UserName = arguments.UserName,
            Email = arguments.Email,

            // The operator vouches for the address; the reset link sent there proves it in use.
            EmailConfirmed = true,
            FirstName = arguments.FirstName!,
            LastName = arguments.LastName!,
            ProtectionPhrase = arguments.ProtectionPhrase ?? RandomPhrase(),
            Status = AccountStatus.Active,
            RegisteredAt = now,
            ActivatedAt = now,
        };

        string? problem = null;
        await db.InTransactionAsync(async ct =>
        {
            // No password: CreateAsync(user) skips the password validators and leaves the hash empty, so
            // nobody can sign in to the account until its owner sets a password through the link.
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                problem = string.Join(" ", created.Errors.Select(e => e.Description));
                return;
            }

            await GrantAdminRoleAsync(user);
            audit.Add(AuditKinds.AdminCreated, user.Id, user.UserName, "created by the " + AuditDetail);
            await db.SaveChangesAsync(ct);
        }, cancellationToken);

        if (problem is not null)
        {
            db.ChangeTracker.Clear();
            return new AdminEnrollmentResult(AdminEnrollmentOutcome.Refused, problem);
        }

        LogCreated(logger, user.UserName!);
        return new AdminEnrollmentResult(AdminEnrollmentOutcome.Created, PasswordLink: await PasswordLinkAsync(user), ProtectionPhrase: user.ProtectionPhrase);
    }

    private async Task GrantAdminRoleAsync(CersUser user)
    {
        var granted = await users.AddClaimAsync(user, new Claim(OpenIddictConstants.Claims.Role, CersRoles.CersAdmin));
        if (!granted.Succeeded)
        {
            throw new InvalidOperationException($"Could not give {user.UserName} the admin role: {string.Join(" ", granted.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>Identity's password-reset token: one hour, and void once any password is set (it carries the security stamp).</summary>
    private async Task<string> PasswordLinkAsync(CersUser user) =>
        links.ResetPassword(user.Id, await users.GeneratePasswordResetTokenAsync(user));

    /// <summary>A freshly generated phrase, like the ones a new account chooses from; the owner sees it at sign-in.</summary>
    private static string RandomPhrase() => ProtectionPhrases.NewChoices()[0];

    private static string Describe(AccountStatus status) => status switch
    {
        AccountStatus.PendingActivation => "waiting for activation",
        AccountStatus.Disabled => "disabled",
        _ => "expired",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "CERS admin account {UserName} created by the create-admin command")]
    private static partial void LogCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserName} made a CERS admin by the create-admin command")]
    private static partial void LogPromoted(ILogger logger, string userName);
}
