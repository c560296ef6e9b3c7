using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Mfa;

/// <summary>A key being enrolled, as text (grouped for reading aloud or typing) and as the otpauth:// URI its QR code holds.</summary>
public sealed record AuthenticatorSetup(string Key, string GroupedKey, string Uri);

public enum AuthenticatorRemoval
{
    Removed,

    /// <summary>Neither the password nor a code was right.</summary>
    NotProved,

    /// <summary>The account's role requires a second factor and it has no other.</summary>
    RequiredByPolicy,

    NotEnrolled,
}

/// <summary>
/// An account's authenticator app: enrolling it (a key kept aside until the person proves their app computes
/// its codes, then ten recovery codes shown once), new recovery codes, and turning it off. Every change is
/// audited and emailed to the account's address in the same transaction.
/// </summary>
public sealed partial class AuthenticatorEnrolment(
    IdpDbContext db,
    UserManager<CersUser> users,
    IUserStore<CersUser> store,
    AuthenticatorCodeProvider codes,
    SecondFactors factors,
    AuditLog audit,
    EmailOutbox outbox,
    SignInProtectionEmails emails,
    ILogger<AuthenticatorEnrolment> logger)
{
    public const string Issuer = "CERS";
    public const int RecoveryCodeCount = 10;
    private const string PendingKeyName = "PendingAuthenticatorKey";

    /// <summary>The key offered for enrolment: the same one on every visit until it is confirmed, so a scanned QR code stays good.</summary>
    public async Task<AuthenticatorSetup> SetupAsync(CersUser user)
    {
        var key = await users.GetAuthenticationTokenAsync(user, AuthenticatorCodeProvider.TokenLoginProvider, PendingKeyName);
        if (string.IsNullOrEmpty(key))
        {
            key = users.GenerateNewAuthenticatorKey();
            await users.SetAuthenticationTokenAsync(user, AuthenticatorCodeProvider.TokenLoginProvider, PendingKeyName, key);
        }

        var grouped = string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();

        // Key URI format (Google Authenticator): otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER
        var label = Uri.EscapeDataString(Issuer) + ":" + Uri.EscapeDataString(user.UserName!);
        var uri = $"otpauth://totp/{label}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits={Rfc6238.Digits}&period={Rfc6238.StepSeconds}";
        return new AuthenticatorSetup(key, grouped, uri);
    }

    /// <summary>
    /// Enrols the offered key when <paramref name="code"/> is one of its codes: two-factor sign-in is on, a new
    /// security stamp ends other sessions, and this session is renewed as a multi-factor one (the person just
    /// proved the app). Returns the recovery codes, to be shown once; null when the code is wrong.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(CersUser user, string? code, IReadOnlyList<string> sessionMethods,
        CancellationToken cancellationToken)
    {
        var key = await users.GetAuthenticationTokenAsync(user, AuthenticatorCodeProvider.TokenLoginProvider, PendingKeyName);
        if (!await codes.VerifyAsync(users, user, key, code))
        {
            return null;
        }

        IReadOnlyList<string>? recovery = null;
        CersUser? enrolled = null;
        await db.InTransactionAsync(async ct =>
        {
            var current = await users.FindByIdAsync(user.Id) ?? throw new InvalidOperationException("The account disappeared.");
            await ((IUserAuthenticatorKeyStore<CersUser>)store).SetAuthenticatorKeyAsync(current, key!, ct);
            await users.RemoveAuthenticationTokenAsync(current, AuthenticatorCodeProvider.TokenLoginProvider, PendingKeyName);
            Check(await users.SetTwoFactorEnabledAsync(current, true));
            recovery = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(current, RecoveryCodeCount) ?? []];
            audit.Add(AuditKinds.AuthenticatorEnrolled, current.Id, current.UserName);
            outbox.Add(db, emails.Changed(current, "an authenticator app was added, and ten new recovery codes were made. From now on, signing in asks for a code from the app."));
            await db.SaveChangesAsync(ct);
            enrolled = current;
        }, cancellationToken);

        await factors.StartSessionAsync(enrolled!, [.. sessionMethods, CersAuthenticationMethods.OneTimePassword, CersAuthenticationMethods.MultiFactor]);
        LogEnrolled(logger, user.Id);
        return recovery;
    }

    /// <summary>Ten new recovery codes, replacing the old ones (which stop working).</summary>
    public async Task<IReadOnlyList<string>?> RegenerateRecoveryCodesAsync(CersUser user, CancellationToken cancellationToken)
    {
        if (!await factors.HasAuthenticatorAsync(user))
        {
            return null;
        }

        IReadOnlyList<string>? recovery = null;
        await db.InTransactionAsync(async ct =>
        {
            var current = await users.FindByIdAsync(user.Id) ?? throw new InvalidOperationException("The account disappeared.");
            recovery = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(current, RecoveryCodeCount) ?? []];
            audit.Add(AuditKinds.RecoveryCodesRegenerated, current.Id, current.UserName);
            outbox.Add(db, emails.Changed(current, "ten new recovery codes were made; the old ones no longer work."));
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        return recovery;
    }

    /// <summary>
    /// Turns the authenticator off once the person proves it is them again (their password, or a code from the
    /// app), unless their role requires a second factor and the app is their only one.
    /// </summary>
    public async Task<AuthenticatorRemoval> RemoveAsync(CersUser user, string? password, string? code, CancellationToken cancellationToken)
    {
        if (!await factors.HasAuthenticatorAsync(user))
        {
            return AuthenticatorRemoval.NotEnrolled;
        }

        if (await factors.IsRequiredForAsync(user) && !await HasFactorBesidesAuthenticatorAsync(user))
        {
            return AuthenticatorRemoval.RequiredByPolicy;
        }

        var proved = (!string.IsNullOrEmpty(password) && password.Length <= 128 && await users.CheckPasswordAsync(user, password))
            || (!string.IsNullOrEmpty(code) && await codes.VerifyAsync(users, user, await users.GetAuthenticatorKeyAsync(user), code));
        if (!proved)
        {
            // A wrong answer here counts toward lockout as at sign-in, so this form is no oracle for the password.
            await users.AccessFailedAsync(user);
            return AuthenticatorRemoval.NotProved;
        }

        CersUser? removed = null;
        await db.InTransactionAsync(async ct =>
        {
            var current = await users.FindByIdAsync(user.Id) ?? throw new InvalidOperationException("The account disappeared.");
            await RemoveAuthenticatorAsync(current);
            audit.Add(AuditKinds.AuthenticatorRemoved, current.Id, current.UserName);
            outbox.Add(db, emails.Changed(current, "the authenticator app was removed and its recovery codes no longer work. Signing in now asks for the password only."));
            await db.SaveChangesAsync(ct);
            removed = current;
        }, cancellationToken);

        await factors.StartSessionAsync(removed!, [CersAuthenticationMethods.Password]);
        LogRemoved(logger, user.Id);
        return AuthenticatorRemoval.Removed;
    }

    /// <summary>Removes the key, the recovery codes and the replay record, and turns two-factor sign-in off (a new security stamp).</summary>
    public async Task RemoveAuthenticatorAsync(CersUser user)
    {
        Check(await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey"));
        Check(await users.RemoveAuthenticationTokenAsync(user, RecoveryCodeStore.LoginProvider, RecoveryCodeStore.HashesName));
        Check(await users.RemoveAuthenticationTokenAsync(user, AuthenticatorCodeProvider.TokenLoginProvider, PendingKeyName));
        Check(await users.SetTwoFactorEnabledAsync(user, false));
    }

    /// <summary>A passkey is the other factor an account can hold.</summary>
    private async Task<bool> HasFactorBesidesAuthenticatorAsync(CersUser user) => (await users.GetPasskeysAsync(user)).Count > 0;

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} enrolled an authenticator app")]
    private static partial void LogEnrolled(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} removed their authenticator app")]
    private static partial void LogRemoved(ILogger logger, string userId);
}
