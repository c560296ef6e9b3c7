using System.Security.Claims;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Mfa;

public enum SecondFactorOutcome
{
    SignedIn,
    Failed,
    LockedOut,

    /// <summary>Nobody is waiting for a second step (the first step's cookie expired, or there never was one).</summary>
    NoPendingSignIn,
}

/// <summary>
/// The second sign-in step. After a right password an account with a second factor gets no session: it gets
/// Identity's short-lived two-factor cookie (<see cref="IdentityConstants.TwoFactorUserIdScheme"/>, 5 minutes)
/// naming the account and the methods used so far, and must answer with an authenticator code or a recovery
/// code. A signed-in person asked for a fresh second factor (<c>acr_values</c>, the MFA policy) answers the same
/// way from their session. Wrong codes count toward lockout exactly as wrong passwords do (Identity's
/// AccessFailed counter, 5 failures lock the account for 15 minutes), so the second factor cannot be guessed
/// once the password is known.
/// </summary>
public sealed partial class SecondFactorSignIn(
    IHttpContextAccessor http,
    UserManager<CersUser> users,
    SecondFactors factors,
    AuditLog audit,
    IdpMetrics metrics,
    ILogger<SecondFactorSignIn> logger)
{
    private const string PendingMethodClaim = "cers_pending_amr";

    /// <summary>Instead of a session: remembers that <paramref name="user"/> passed the first step with <paramref name="methods"/>.</summary>
    public async Task BeginAsync(CersUser user, IEnumerable<string> methods)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);

        // Identity reads the account's id from the Name claim of this cookie (SignInManager.GetTwoFactorAuthenticationUserAsync).
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        foreach (var method in methods)
        {
            identity.AddClaim(new Claim(PendingMethodClaim, method));
        }

        await Context.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The account waiting for its second step, and the methods it already used; or the signed-in account (a step-up).</summary>
    public async Task<(CersUser User, IReadOnlyList<string> Methods)?> PendingAsync()
    {
        var pending = await Context.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        if (pending.Succeeded && pending.Principal.FindFirstValue(ClaimTypes.Name) is { } id
            && await users.FindByIdAsync(id) is { Status: AccountStatus.Active } waiting)
        {
            return (waiting, pending.Principal.FindAll(PendingMethodClaim).Select(c => c.Value).ToList());
        }

        var session = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (session.Succeeded && await users.GetUserAsync(session.Principal) is { Status: AccountStatus.Active } signedIn)
        {
            return (signedIn, SecondFactors.MethodsOf(session.Principal).Where(m => m != CersAuthenticationMethods.MultiFactor).ToList());
        }

        return null;
    }

    /// <summary>Checks a code from the authenticator app and, when right, starts the session (amr adds otp and mfa).</summary>
    public Task<SecondFactorOutcome> WithAuthenticatorCodeAsync(string code, CancellationToken cancellationToken) =>
        CompleteAsync(
            (user) => users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code),
            [CersAuthenticationMethods.OneTimePassword, CersAuthenticationMethods.MultiFactor],
            "authenticator app",
            "authenticator",
            cancellationToken);

    /// <summary>Redeems a recovery code (it works once) and, when right, starts the session (amr adds mfa only; see <see cref="CersAuthenticationMethods"/>).</summary>
    public Task<SecondFactorOutcome> WithRecoveryCodeAsync(string code, CancellationToken cancellationToken) =>
        CompleteAsync(
            async user => (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded,
            [CersAuthenticationMethods.MultiFactor],
            "recovery code",
            "recovery_code",
            cancellationToken);

    /// <summary>Answers the challenge and counts the answer (<c>cers.idp.mfa.challenges</c>) by <paramref name="meteredFactor"/> and outcome.</summary>
    private async Task<SecondFactorOutcome> CompleteAsync(Func<CersUser, Task<bool>> check, string[] addedMethods, string factor,
        string meteredFactor, CancellationToken cancellationToken)
    {
        var outcome = await AnswerAsync(check, addedMethods, factor, cancellationToken);
        if (outcome != SecondFactorOutcome.NoPendingSignIn)
        {
            metrics.SecondFactor(meteredFactor, outcome switch
            {
                SecondFactorOutcome.SignedIn => "succeeded",
                SecondFactorOutcome.LockedOut => "locked_out",
                _ => "failed",
            });
        }

        return outcome;
    }

    private async Task<SecondFactorOutcome> AnswerAsync(Func<CersUser, Task<bool>> check, string[] addedMethods, string factor,
        CancellationToken cancellationToken)
    {
        if (await PendingAsync() is not var (user, methods))
        {
            return SecondFactorOutcome.NoPendingSignIn;
        }

        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync(AuditKinds.LockedOut, user.Id, user.UserName, cancellationToken, factor);
            return SecondFactorOutcome.LockedOut;
        }

        if (!await check(user))
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                await audit.WriteAsync(AuditKinds.LockedOut, user.Id, user.UserName, cancellationToken, factor);
                LogLockedOut(logger, user.Id);
                return SecondFactorOutcome.LockedOut;
            }

            await audit.WriteAsync(AuditKinds.SecondFactorFailed, user.Id, user.UserName, cancellationToken, factor);
            return SecondFactorOutcome.Failed;
        }

        await users.ResetAccessFailedCountAsync(user);
        await Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await factors.StartSessionAsync(user, [.. methods, .. addedMethods]);
        await audit.WriteAsync(AuditKinds.SignedInWithSecondFactor, user.Id, user.UserName, cancellationToken, factor);
        LogSignedIn(logger, user.Id, factor);
        return SecondFactorOutcome.SignedIn;
    }

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("The second sign-in step needs a request.");

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} proved a second factor ({Factor})")]
    private static partial void LogSignedIn(ILogger logger, string userId, string factor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} locked out after repeated wrong second-factor codes")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
