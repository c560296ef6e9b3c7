using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Mfa;

/// <summary>
/// Identity's authenticator token provider, made stricter in two ways. It reads the provider's
/// <see cref="TimeProvider"/>, so the window is tested on a fake clock. It accepts the current 30-second step
/// and the one before or after it (RFC 6238 section 6 recommends at most one step of clock drift; Identity's
/// own accepts two either way), and it accepts each step once per account: the last accepted step is kept in
/// AspNetUserTokens and a code of that step or an earlier one is refused, so a code seen over a shoulder or
/// phished in real time cannot be replayed within its window (RFC 6238 section 5.2). Recording the step saves
/// the user row, whose concurrency stamp makes two simultaneous uses of one code succeed once.
/// </summary>
public sealed class AuthenticatorCodeProvider(TimeProvider time) : IUserTwoFactorTokenProvider<CersUser>
{
    public const string ProviderName = "CersAuthenticator";

    /// <summary>Where the last accepted step is kept (AspNetUserTokens.LoginProvider and Name).</summary>
    public const string TokenLoginProvider = "[CersMfa]";
    public const string LastStepTokenName = "LastAuthenticatorStep";

    public Task<string> GenerateAsync(string purpose, UserManager<CersUser> manager, CersUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<CersUser> manager, CersUser user) =>
        await VerifyAsync(manager, user, await manager.GetAuthenticatorKeyAsync(user), token);

    /// <summary>
    /// Checks <paramref name="token"/> against <paramref name="key"/> (the enrolled key, or one being enrolled) and
    /// records the step it belongs to; false for a wrong code, a code outside the window or a step already used.
    /// </summary>
    public async Task<bool> VerifyAsync(UserManager<CersUser> manager, CersUser user, string? key, string? token)
    {
        var code = Rfc6238.Normalize(token);
        if (code is null || string.IsNullOrEmpty(key) || Rfc6238.DecodeBase32(key) is not { Length: > 0 } secret)
        {
            return false;
        }

        var now = Rfc6238.StepAt(time.GetUtcNow());
        long? matched = null;
        for (var step = now - 1; step <= now + 1; step++)
        {
            // Every candidate is compared, in constant time, so the time taken does not say which step matched.
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Rfc6238.Code(secret, step)), Encoding.ASCII.GetBytes(code)))
            {
                matched = step;
            }
        }

        if (matched is not { } accepted)
        {
            return false;
        }

        var last = await manager.GetAuthenticationTokenAsync(user, TokenLoginProvider, LastStepTokenName);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && accepted <= lastStep)
        {
            return false;
        }

        var recorded = await manager.SetAuthenticationTokenAsync(user, TokenLoginProvider, LastStepTokenName,
            accepted.ToString(CultureInfo.InvariantCulture));
        return recorded.Succeeded;
    }

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<CersUser> manager, CersUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));
}
