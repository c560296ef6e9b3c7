using Cers.Contracts;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Passkeys;

public enum PasskeySignInOutcome
{
    SignedIn,

    /// <summary>Anything that did not prove the account: unknown username, no such passkey, bad or replayed answer.</summary>
    Failed,
    LockedOut,

    /// <summary>The passkey proved the account, but a CERS admin disabled it.</summary>
    Disabled,

    /// <summary>The second step was asked for without a password step before it (or after it expired).</summary>
    NoPasswordStep,
}

/// <summary>
/// Sign-in with a passkey, passwordless after the username step or as the second step after a password. Both
/// count a failure toward the account's lockout as a wrong password does and record it in the audit log, refuse a
/// locked account, and sign in with one <c>amr</c> claim per method (<see cref="AuthenticationMethods"/>).
/// Passwordless sign-in asks for any discoverable passkey and only then compares the account it proved with the
/// typed username, so neither the options nor the answer tell whether that username exists or has a passkey.
/// </summary>
public sealed partial class PasskeySignIn(
    PasskeyCeremonies ceremonies,
    SignInManager<CersUser> signIn,
    UserManager<CersUser> users,
    AuditLog audit,
    ILogger<PasskeySignIn> logger)
{
    private const string AuditDetail = "passkey";

    public Task<PasskeyChallenge> BeginPasswordlessAsync(string userName, HttpContext http) =>
        ceremonies.BeginAssertionAsync(PasskeyCeremony.SignIn, null, BoundUserName(userName), http);

    public async Task<PasskeySignInOutcome> CompletePasswordlessAsync(string userName, string sealedState, string credentialJson,
        HttpContext http, CancellationToken cancellationToken)
    {
        var claimed = await users.FindByNameAsync(userName);
        if (claimed is { Status: AccountStatus.Expired })
        {
            claimed = null;
        }

        var assertion = await ceremonies.CompleteAssertionAsync(sealedState, credentialJson, PasskeyCeremony.SignIn, BoundUserName(userName), http);
        if (claimed is null || assertion is null || assertion.User.Id != claimed.Id)
        {
            return await FailAsync(claimed, cancellationToken);
        }

        return await SignInAsync(claimed, assertion, credentialJson, afterPassword: false, cancellationToken);
    }

    /// <summary>The account that passed the password step in this browser (Identity's two-factor cookie), if any.</summary>
    public Task<CersUser?> PasswordStepUserAsync() => signIn.GetTwoFactorAuthenticationUserAsync();

    public async Task<PasskeyChallenge?> BeginSecondStepAsync(HttpContext http) =>
        await PasswordStepUserAsync() is { } user
            ? await ceremonies.BeginAssertionAsync(PasskeyCeremony.SecondStep, user, user.Id, http)
            : null;

    public async Task<PasskeySignInOutcome> CompleteSecondStepAsync(string sealedState, string credentialJson, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (await PasswordStepUserAsync() is not { } user)
        {
            return PasskeySignInOutcome.NoPasswordStep;
        }

        var assertion = await ceremonies.CompleteAssertionAsync(sealedState, credentialJson, PasskeyCeremony.SecondStep, user.Id, http);
        if (assertion is null || assertion.User.Id != user.Id)
        {
            return await FailAsync(user, cancellationToken);
        }

        return await SignInAsync(user, assertion, credentialJson, afterPassword: true, cancellationToken);
    }

    private async Task<PasskeySignInOutcome> SignInAsync(CersUser user, VerifiedPasskey assertion, string credentialJson,
        bool afterPassword, CancellationToken cancellationToken)
    {
        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync(AuditKinds.LockedOut, user.Id, user.UserName, cancellationToken, AuditDetail);
            LogLockedOut(logger, user.Id);
            return PasskeySignInOutcome.LockedOut;
        }

        if (user.Status != AccountStatus.Active)
        {
            await audit.WriteAsync(AuditKinds.SignInFailed, user.Id, user.UserName, cancellationToken, AuditDetail);
            return PasskeySignInOutcome.Disabled;
        }

        // The new signature counter and backup state (WebAuthn Level 3 section 7.2 step 24).
        var stored = await users.AddOrUpdatePasskeyAsync(user, assertion.Passkey);
        if (!stored.Succeeded)
        {
            return await FailAsync(user, cancellationToken);
        }

        await users.ResetAccessFailedCountAsync(user);
        if (afterPassword)
        {
            await signIn.Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        }

        await signIn.SignInWithClaimsAsync(user, isPersistent: false, MethodsOf(assertion.Passkey, ReportsUserVerified(credentialJson), afterPassword));
        await audit.WriteAsync(AuditKinds.SignedIn, user.Id, user.UserName, cancellationToken, afterPassword ? "password and passkey" : AuditDetail);
        LogSignedIn(logger, user.Id, afterPassword);
        return PasskeySignInOutcome.SignedIn;
    }

    private async Task<PasskeySignInOutcome> FailAsync(CersUser? user, CancellationToken cancellationToken)
    {
        if (user is not null)
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                await audit.WriteAsync(AuditKinds.LockedOut, user.Id, user.UserName, cancellationToken, AuditDetail);
                LogLockedOut(logger, user.Id);
                return PasskeySignInOutcome.LockedOut;
            }
        }

        await audit.WriteAsync(AuditKinds.SignInFailed, user?.Id, user?.UserName, cancellationToken, AuditDetail);
        LogFailed(logger);
        return PasskeySignInOutcome.Failed;
    }

    /// <summary>The <c>amr</c> claims of a passkey sign-in: the key's kind by its backup eligibility, and <c>mfa</c> for two factors.</summary>
    public static IReadOnlyList<Claim> MethodsOf(UserPasskeyInfo passkey, bool userVerified, bool afterPassword)
    {
        var methods = new List<string>();
        if (afterPassword)
        {
            methods.Add(CersAuthenticationMethods.Password);
        }

        methods.Add(passkey.IsBackupEligible ? CersAuthenticationMethods.SoftwareKey : CersAuthenticationMethods.HardwareKey);
        if (afterPassword || userVerified)
        {
            methods.Add(CersAuthenticationMethods.MultiFactor);
        }

        return [.. methods.Select(m => new Claim(CersAuthenticationMethods.ClaimType, m))];
    }

    /// <summary>
    /// The UV flag (bit 2 of the flags byte after the 32-byte RP ID hash, WebAuthn Level 3 section 6.1) of an
    /// assertion the handler has already verified; the stored passkey only remembers the flag of its registration.
    /// </summary>
    public static bool ReportsUserVerified(string credentialJson)
    {
        try
        {
            using var document = JsonDocument.Parse(credentialJson);
            var data = Base64Url.DecodeFromChars(document.RootElement.GetProperty("response").GetProperty("authenticatorData").GetString());
            return data.Length > 32 && (data[32] & 0x04) != 0;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string BoundUserName(string userName) => "name:" + userName.Trim().ToUpperInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed in with a passkey (after a password: {AfterPassword})")]
    private static partial void LogSignedIn(ILogger logger, string userId, bool afterPassword);

    [LoggerMessage(Level = LogLevel.Information, Message = "Passkey sign-in failed")]
    private static partial void LogFailed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passkey sign-in refused: user {UserId} is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
