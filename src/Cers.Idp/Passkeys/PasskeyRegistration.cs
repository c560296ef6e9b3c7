using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Passkeys;

/// <summary>One passkey as My Account lists it; <see cref="Id"/> is the credential id, base64url.</summary>
public sealed record PasskeySummary(string Id, string Name, DateTimeOffset CreatedAt, bool DeviceBound);

public enum PasskeyChangeOutcome
{
    Done,

    /// <summary>The challenge was not ours, expired, used before, or the authenticator's answer did not verify.</summary>
    NotVerified,
    NotFound,

    /// <summary>The account's role requires a second factor (<c>Mfa:RequiredRoles</c>) and this passkey is its last.</summary>
    RequiredByPolicy,
}

/// <summary>
/// A signed-in person's passkeys: list, add, rename, remove. Adding needs a recent sign-in (<c>auth_time</c> within
/// <see cref="PasskeyOptions.ReauthenticationWindow"/>) or the password entered again, so a session left open on a
/// shared computer cannot be used to plant a passkey that outlives it. Adding and removing are audited and emailed to
/// the account's address, in the same transaction as the change.
/// </summary>
public sealed partial class PasskeyRegistration(
    PasskeyCeremonies ceremonies,
    UserManager<CersUser> users,
    IdpDbContext db,
    AuditLog audit,
    EmailOutbox outbox,
    PasskeyEmails emails,
    Mfa.SecondFactors factors,
    IOptions<PasskeyOptions> options,
    TimeProvider time,
    ILogger<PasskeyRegistration> logger)
{
    public const int MaxNameLength = 50;

    public async Task<IReadOnlyList<PasskeySummary>> ListAsync(CersUser user) =>
        [.. (await users.GetPasskeysAsync(user))
            .OrderBy(p => p.CreatedAt)
            .Select(p => new PasskeySummary(Base64Url.EncodeToString(p.CredentialId), NameOf(p), p.CreatedAt, !p.IsBackupEligible))];

    /// <summary>Whether the session's sign-in (its <c>auth_time</c>) is recent enough to add a passkey without the password.</summary>
    public bool SignedInRecently(ClaimsPrincipal principal) =>
        principal.FindFirst(SessionPrincipalFactory.AuthenticationTimeClaim)?.Value is { } value
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) <= options.Value.ReauthenticationWindow;

    public Task<PasskeyChallenge> BeginAsync(CersUser user, HttpContext http) => ceremonies.BeginRegistrationAsync(user, http);

    public async Task<PasskeyChangeOutcome> CompleteAsync(CersUser user, string name, string sealedState, string credentialJson,
        HttpContext http, CancellationToken cancellationToken)
    {
        var passkey = await ceremonies.CompleteRegistrationAsync(sealedState, credentialJson, user, http);
        if (passkey is null)
        {
            await audit.WriteAsync(AuditKinds.PasskeyRejected, user.Id, user.UserName, cancellationToken);
            return PasskeyChangeOutcome.NotVerified;
        }

        passkey.Name = name.Trim();
        var added = await db.InTransactionAsync(async ct =>
        {
            var owner = await users.FindByIdAsync(user.Id);
            if (owner is null)
            {
                return false;
            }

            var now = time.GetUtcNow().UtcDateTime;
            var id = Base64Url.EncodeToString(passkey.CredentialId);
            audit.Add(AuditKinds.PasskeyAdded, owner.Id, owner.UserName, $"\"{passkey.Name}\"");
            outbox.Add(db, emails.Added(owner, passkey.Name, now, $"passkey-added:{owner.Id}:{id}"));

            // Identity's store saves the passkey with the audit row and the email above in one SaveChanges.
            return (await users.AddOrUpdatePasskeyAsync(owner, passkey)).Succeeded;
        }, cancellationToken);

        if (!added)
        {
            return PasskeyChangeOutcome.NotVerified;
        }

        LogAdded(logger, user.Id);
        return PasskeyChangeOutcome.Done;
    }

    public async Task<PasskeyChangeOutcome> RenameAsync(CersUser user, string id, string name, CancellationToken cancellationToken)
    {
        if (Decode(id) is not { } credentialId || await users.GetPasskeyAsync(user, credentialId) is not { } passkey)
        {
            return PasskeyChangeOutcome.NotFound;
        }

        var old = NameOf(passkey);
        passkey.Name = name.Trim();
        audit.Add(AuditKinds.PasskeyRenamed, user.Id, user.UserName, $"\"{old}\" to \"{passkey.Name}\"");
        var renamed = await users.AddOrUpdatePasskeyAsync(user, passkey);
        return renamed.Succeeded ? PasskeyChangeOutcome.Done : PasskeyChangeOutcome.NotFound;
    }

    public async Task<PasskeyChangeOutcome> RemoveAsync(CersUser user, string id, CancellationToken cancellationToken)
    {
        if (Decode(id) is not { } credentialId)
        {
            return PasskeyChangeOutcome.NotFound;
        }

        // Checked in the transaction that removes it, so two removals at once cannot each leave "the other" as the last factor.
        var outcome = await db.InTransactionAsync(async ct =>
        {
            var owner = await users.FindByIdAsync(user.Id);
            if (owner is null || await users.GetPasskeyAsync(owner, credentialId) is not { } passkey)
            {
                return PasskeyChangeOutcome.NotFound;
            }

            if (await factors.IsRequiredForAsync(owner) && !await factors.HasAuthenticatorAsync(owner)
                && (await users.GetPasskeysAsync(owner)).Count == 1)
            {
                return PasskeyChangeOutcome.RequiredByPolicy;
            }

            var name = NameOf(passkey);
            audit.Add(AuditKinds.PasskeyRemoved, owner.Id, owner.UserName, $"\"{name}\"");
            outbox.Add(db, emails.Removed(owner, name, time.GetUtcNow().UtcDateTime, $"passkey-removed:{owner.Id}:{id}"));
            return (await users.RemovePasskeyAsync(owner, credentialId)).Succeeded ? PasskeyChangeOutcome.Done : PasskeyChangeOutcome.NotFound;
        }, cancellationToken);

        if (outcome == PasskeyChangeOutcome.Done)
        {
            LogRemoved(logger, user.Id);
        }

        return outcome;
    }

    private static string NameOf(UserPasskeyInfo passkey) => passkey.Name is { Length: > 0 } name ? name : "Unnamed passkey";

    private static byte[]? Decode(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 2_048)
        {
            return null;
        }

        try
        {
            return Base64Url.DecodeFromChars(id);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} added a passkey")]
    private static partial void LogAdded(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} removed a passkey")]
    private static partial void LogRemoved(ILogger logger, string userId);
}
