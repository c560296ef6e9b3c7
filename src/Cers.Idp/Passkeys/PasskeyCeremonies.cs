using System.Security.Cryptography;
using System.Text.Json;
using Cers.Idp.Accounts;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Passkeys;

/// <summary>What a challenge was issued for; a challenge of one kind is never accepted for another.</summary>
public enum PasskeyCeremony
{
    Registration,

    /// <summary>Passwordless sign-in after the username step.</summary>
    SignIn,

    /// <summary>The second step after a correct password.</summary>
    SecondStep,
}

/// <summary>The options for the browser's <c>navigator.credentials</c> call and the sealed state the answer must come back with.</summary>
public sealed record PasskeyChallenge(string OptionsJson, string State);

/// <summary>A verified WebAuthn answer: the account the passkey belongs to and the passkey with its new counter.</summary>
public sealed record VerifiedPasskey(CersUser User, UserPasskeyInfo Passkey);

/// <summary>
/// Issues WebAuthn challenges and takes them back, once. Identity's <see cref="IPasskeyHandler{TUser}"/> does the
/// WebAuthn verification; its ceremony state travels in the page's form, sealed with Data Protection, rather than
/// in the cookie <see cref="SignInManager{TUser}"/> would use: that cookie is the two-factor cookie which carries
/// who passed the password step, and a passkey ceremony there would overwrite it. The sealed state names the
/// ceremony, the account it was issued for and its expiry, and each state is accepted once across every instance
/// (<see cref="ISharedState"/>): a captured answer replayed, even within its lifetime, is refused (WebAuthn Level 3
/// section 13.4.3, "cryptographic challenges" must be used once).
/// </summary>
public sealed class PasskeyCeremonies(
    IPasskeyHandler<CersUser> handler,
    IDataProtectionProvider protection,
    ISharedState shared,
    IOptions<PasskeyOptions> options,
    TimeProvider time)
{
    /// <summary>The longest sealed state a form may bring back; anything longer is not one of ours.</summary>
    public const int MaxStateLength = 4_096;

    /// <summary>The longest credential JSON accepted (credential ids are at most 1,023 bytes; attestation objects of passkeys are small).</summary>
    public const int MaxCredentialLength = 32_768;

    private readonly IDataProtector _protector = protection.CreateProtector("Cers.Idp.Passkeys.Ceremony.v1");

    public async Task<PasskeyChallenge> BeginRegistrationAsync(CersUser user, HttpContext http)
    {
        var result = await handler.MakeCreationOptionsAsync(
            new PasskeyUserEntity { Id = user.Id, Name = user.UserName!, DisplayName = user.DisplayName is { Length: > 0 } name ? name : user.UserName! },
            http);
        return new PasskeyChallenge(result.CreationOptionsJson, Seal(PasskeyCeremony.Registration, user.Id, result.AttestationState));
    }

    /// <summary>
    /// Request options for <paramref name="user"/>'s passkeys, or, with no user, for any discoverable passkey
    /// (an empty allowCredentials list): what passwordless sign-in uses, so the options never depend on whether the
    /// typed username exists. <paramref name="boundTo"/> is what the answer must come back for (an account id or a username).
    /// </summary>
    public async Task<PasskeyChallenge> BeginAssertionAsync(PasskeyCeremony ceremony, CersUser? user, string boundTo, HttpContext http)
    {
        var result = await handler.MakeRequestOptionsAsync(user, http);
        return new PasskeyChallenge(result.RequestOptionsJson, Seal(ceremony, boundTo, result.AssertionState));
    }

    public async Task<UserPasskeyInfo?> CompleteRegistrationAsync(string sealedState, string credentialJson, CersUser user, HttpContext http)
    {
        if (await OpenAsync(sealedState, PasskeyCeremony.Registration, user.Id) is not { } state)
        {
            return null;
        }

        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext
        {
            CredentialJson = credentialJson,
            AttestationState = state,
            HttpContext = http,
        });
        return result is { Succeeded: true, Passkey: { } passkey, UserEntity.Id: var id } && id == user.Id ? passkey : null;
    }

    public async Task<VerifiedPasskey?> CompleteAssertionAsync(
        string sealedState, string credentialJson, PasskeyCeremony ceremony, string boundTo, HttpContext http)
    {
        if (await OpenAsync(sealedState, ceremony, boundTo) is not { } state)
        {
            return null;
        }

        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext
        {
            CredentialJson = credentialJson,
            AssertionState = state,
            HttpContext = http,
        });
        return result is { Succeeded: true, User: { } owner, Passkey: { } passkey } ? new VerifiedPasskey(owner, passkey) : null;
    }

    private string Seal(PasskeyCeremony ceremony, string boundTo, string? handlerState)
    {
        var sealedState = new SealedState(ceremony, boundTo, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            time.GetUtcNow().Add(options.Value.CeremonyLifetime).ToUnixTimeSeconds(), handlerState);
        return _protector.Protect(JsonSerializer.Serialize(sealedState));
    }

    /// <summary>The handler's state when the sealed state is ours, of this ceremony, for this account, unexpired and not used before.</summary>
    private async Task<string?> OpenAsync(string sealedState, PasskeyCeremony ceremony, string boundTo)
    {
        SealedState? state;
        try
        {
            state = JsonSerializer.Deserialize<SealedState>(_protector.Unprotect(sealedState));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }

        if (state is null || state.Ceremony != ceremony || !string.Equals(state.BoundTo, boundTo, StringComparison.Ordinal)
            || time.GetUtcNow().ToUnixTimeSeconds() > state.ExpiresAt || state.HandlerState is null)
        {
            return null;
        }

        // Marked before it is checked: a second use fails even while the first is still being verified.
        return await shared.TryMarkAsync($"passkey-ceremony|{state.Nonce}", options.Value.CeremonyLifetime + TimeSpan.FromMinutes(1))
            ? state.HandlerState
            : null;
    }

    private sealed record SealedState(PasskeyCeremony Ceremony, string BoundTo, string Nonce, long ExpiresAt, string? HandlerState);
}
