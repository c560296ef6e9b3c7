using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Mfa;
using Cers.Idp.Telemetry;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.SignIn;

public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,

    /// <summary>Too many sign-ins are waiting for a core; nothing was checked.</summary>
    Busy,

    /// <summary>The password is right but the account is not activated yet; no session was started.</summary>
    PendingActivation,

    /// <summary>The password is right but a CERS admin disabled the account.</summary>
    Disabled,

    /// <summary>The password is right and the account has a second factor: no session yet, the second step comes next.</summary>
    SecondFactorRequired,
}

/// <summary>The outcome; for a pending account the address its activation email went to; for a second step, its page.</summary>
public sealed record SignInResult(SignInOutcome Outcome, string? PendingEmail = null, string? SecondStepPage = null);

/// <summary>
/// Username + password sign-in with one password-hash verification per attempt, whether or not the
/// account exists: an unknown username is checked against a fixed decoy hash so the response time
/// does not tell an attacker which usernames are real. Repeated failures lock the account
/// (Identity lockout; see <see cref="AccountsExtensions"/>). The account's state is looked at only
/// after the password proved right, so a pending or disabled account answers like any other to
/// someone who does not know its password.
/// </summary>
public sealed partial class PasswordSignIn(
    SignInManager<CersUser> signIn,
    UserManager<CersUser> users,
    IPasswordHasher<CersUser> hasher,
    PasswordHashingGate gate,
    SecondFactors factors,
    SecondFactorSignIn secondStep,
    AuditLog audit,
    IdpMetrics metrics,
    ILogger<PasswordSignIn> logger)
{
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<CersUser>().HashPassword(new CersUser(), Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(userName, password, cancellationToken);
        metrics.SignIn(OutcomeName(result.Outcome));
        return result;
    }

    /// <summary>The outcome as the <c>cers.idp.sign_in.attempts</c> meter names it.</summary>
    public static string OutcomeName(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.SignedIn => "succeeded",
        SignInOutcome.SecondFactorRequired => "second_factor_required",
        SignInOutcome.LockedOut => "locked_out",
        SignInOutcome.PendingActivation => "not_activated",
        SignInOutcome.Disabled => "disabled",
        SignInOutcome.Busy => "busy",
        _ => "failed",
    };

    private async Task<SignInResult> CheckAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null || user.Status == AccountStatus.Expired)
        {
            var decoy = await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(new CersUser(), DecoyHash.Value, password)), cancellationToken);
            if (decoy is null)
            {
                return new SignInResult(SignInOutcome.Busy);
            }

            // The typed name is not recorded: an unknown "username" is often a password typed in the wrong box.
            await audit.WriteAsync(AuditKinds.SignInFailed, null, null, cancellationToken);
            LogFailed(logger);
            return new SignInResult(SignInOutcome.Failed);
        }

        if (user.PasswordHash is null)
        {
            // An account whose owner has not set a password yet (a new admin) is checked against the decoy
            // too, so it answers in the same time as any other; Identity fails it without hashing.
            await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(user, DecoyHash.Value, password)), cancellationToken);
        }

        var result = await gate.TryRunAsync(
            () => signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true), cancellationToken);
        if (result is null)
        {
            return new SignInResult(SignInOutcome.Busy);
        }

        if (result.Succeeded)
        {
            switch (user.Status)
            {
                case AccountStatus.PendingActivation:
                    LogPending(logger, user.Id);
                    return new SignInResult(SignInOutcome.PendingActivation, user.Email);
                case AccountStatus.Disabled:
                    await audit.WriteAsync(AuditKinds.SignInFailed, user.Id, user.UserName, cancellationToken);
                    return new SignInResult(SignInOutcome.Disabled);
            }

            // An account with a second factor gets Identity's two-factor cookie instead of a session
            // (see SecondFactorSignIn); the password alone must not start one.
            if (await factors.HasSecondFactorAsync(user))
            {
                await secondStep.BeginAsync(user, [CersAuthenticationMethods.Password]);
                LogSecondStep(logger, user.Id);
                return new SignInResult(SignInOutcome.SecondFactorRequired, SecondStepPage: await factors.SecondStepPageAsync(user));
            }

            await factors.StartSessionAsync(user, [CersAuthenticationMethods.Password]);
            await audit.WriteAsync(AuditKinds.SignedIn, user.Id, user.UserName, cancellationToken);
            LogSignedIn(logger, user.Id);
            return new SignInResult(SignInOutcome.SignedIn);
        }

        if (result.IsLockedOut)
        {
            // Identity refuses a locked account before hashing; hash anyway, in the same queue, so the
            // time taken matches and a flood against a locked account is queued like any other.
            await gate.TryRunAsync(() => Task.FromResult((object)hasher.VerifyHashedPassword(user, DecoyHash.Value, password)), cancellationToken);
            await audit.WriteAsync(AuditKinds.LockedOut, user.Id, user.UserName, cancellationToken);
            LogLockedOut(logger, user.Id);
            return new SignInResult(SignInOutcome.LockedOut);
        }

        await audit.WriteAsync(AuditKinds.SignInFailed, user.Id, user.UserName, cancellationToken);
        LogFailed(logger);
        return new SignInResult(SignInOutcome.Failed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed in")]
    private static partial void LogSignedIn(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} passed the password step; a second factor is next")]
    private static partial void LogSecondStep(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed")]
    private static partial void LogFailed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in of {UserId} refused: the account is not activated")]
    private static partial void LogPending(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: user {UserId} is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
