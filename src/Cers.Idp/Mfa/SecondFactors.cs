using System.Security.Claims;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Mfa;

/// <summary>
/// Which accounts must use a second factor (<see cref="MfaOptions.RequiredRoles"/>), which factors an account
/// has, and how a session records the methods it was started with (one <c>amr</c> claim each).
/// </summary>
public sealed class SecondFactors(UserManager<CersUser> users, SignInManager<CersUser> signIn, IOptions<MfaOptions> options)
{
    /// <summary>Whether one of the account's roles requires a second factor.</summary>
    public async Task<bool> IsRequiredForAsync(CersUser user)
    {
        var required = options.Value.EffectiveRequiredRoles;
        return required.Count > 0 && (await users.GetClaimsAsync(user))
            .Any(c => c.Type == CersClaims.Role && required.Contains(c.Value, StringComparer.Ordinal));
    }

    /// <summary>Whether the account has an authenticator app enrolled.</summary>
    public async Task<bool> HasAuthenticatorAsync(CersUser user) =>
        await users.GetTwoFactorEnabledAsync(user) && !string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user));

    /// <summary>Whether the account has at least one passkey.</summary>
    public async Task<bool> HasPasskeyAsync(CersUser user) => (await users.GetPasskeysAsync(user)).Count > 0;

    /// <summary>
    /// Whether the account has any second factor to prove at sign-in: an authenticator app or a passkey (either
    /// also lets a required-role account turn the other off).
    /// </summary>
    public async Task<bool> HasSecondFactorAsync(CersUser user) => await HasAuthenticatorAsync(user) || await HasPasskeyAsync(user);

    /// <summary>
    /// The page that asks for the account's second factor: the authenticator app's code when it has one (that page
    /// offers its passkey too), else its passkey; an account with neither is sent to enrol.
    /// </summary>
    public async Task<string> SecondStepPageAsync(CersUser user) =>
        await HasAuthenticatorAsync(user) ? SecondStepPages.AuthenticatorCode
        : await HasPasskeyAsync(user) ? Passkeys.PasskeyPages.SignIn
        : SecondStepPages.Enrolment;

    /// <summary>The <c>amr</c> values of a session principal.</summary>
    public static IReadOnlyList<string> MethodsOf(ClaimsPrincipal? principal) =>
        principal?.FindAll(CersAuthenticationMethods.ClaimType).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList() ?? [];

    public static bool IsMultiFactor(ClaimsPrincipal? principal) => MethodsOf(principal).Contains(CersAuthenticationMethods.MultiFactor);

    /// <summary>The <c>acr</c> a session has earned.</summary>
    public static string LevelOf(ClaimsPrincipal? principal) =>
        IsMultiFactor(principal) ? CersAuthenticationLevels.MultiFactor : CersAuthenticationLevels.Password;

    /// <summary>
    /// Starts (or replaces) the provider's session for <paramref name="user"/> with one <c>amr</c> claim per
    /// method; its <c>auth_time</c> is now, since the person just proved something.
    /// </summary>
    public Task StartSessionAsync(CersUser user, IEnumerable<string> methods) =>
        signIn.SignInWithClaimsAsync(user, isPersistent: false,
            methods.Distinct(StringComparer.Ordinal).Select(m => new Claim(CersAuthenticationMethods.ClaimType, m)));
}

/// <summary>Where the second sign-in step and enrolment live.</summary>
public static class SecondStepPages
{
    public const string AuthenticatorCode = "/Account/LoginWith2fa";
    public const string Enrolment = "/Account/Manage/Authenticator";
}
