using System.Buffers.Text;
using System.Security.Cryptography;
using Cers.Idp.Accounts;
using Cers.Idp.Passkeys;
using Cers.Idp.Tests.Infrastructure;
using Cers.Idp.Tests.Mfa;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Passkeys;

/// <summary>
/// Mfa:RequiredRoles holds for passkeys as for the authenticator app: an account whose role requires a second factor
/// cannot remove its last one. Removing needs no ceremony, so stored passkeys stand in for registered ones here.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class PasskeyRemovalPolicyTests(IdpFactory idp)
{
    [Fact]
    public async Task A_regulator_may_remove_a_passkey_but_not_the_last_second_factor()
    {
        var regulator = await MfaTestAccounts.NewUserAsync(idp.Services, agencyCode: IdpFactory.RegulatorAgencyCode);
        var first = await AddStoredPasskeyAsync(regulator);
        var second = await AddStoredPasskeyAsync(regulator);

        (await RemoveAsync(regulator, first)).ShouldBe(PasskeyChangeOutcome.Done);
        (await RemoveAsync(regulator, second)).ShouldBe(PasskeyChangeOutcome.RequiredByPolicy);
        (await PasskeyCountAsync(regulator)).ShouldBe(1);
    }

    [Fact]
    public async Task A_regulator_with_an_authenticator_may_remove_their_only_passkey()
    {
        var (regulator, _) = await MfaTestAccounts.EnrolAsync(idp.Services,
            await MfaTestAccounts.NewUserAsync(idp.Services, agencyCode: IdpFactory.RegulatorAgencyCode));
        var only = await AddStoredPasskeyAsync(regulator);

        (await RemoveAsync(regulator, only)).ShouldBe(PasskeyChangeOutcome.Done);
        (await PasskeyCountAsync(regulator)).ShouldBe(0);
    }

    [Fact]
    public async Task A_business_user_may_remove_their_only_passkey()
    {
        var user = await MfaTestAccounts.NewUserAsync(idp.Services);
        var only = await AddStoredPasskeyAsync(user);

        (await RemoveAsync(user, only)).ShouldBe(PasskeyChangeOutcome.Done);
        (await PasskeyCountAsync(user)).ShouldBe(0);
    }

    private async Task<string> AddStoredPasskeyAsync(CersUser user)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var credentialId = RandomNumberGenerator.GetBytes(32);
        var passkey = new UserPasskeyInfo(credentialId, RandomNumberGenerator.GetBytes(77), DateTimeOffset.UtcNow, 0, ["internal"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [], clientDataJson: [])
        {
            Name = "Test key",
        };
        (await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id))!, passkey)).Succeeded.ShouldBeTrue();
        return Base64Url.EncodeToString(credentialId);
    }

    private async Task<PasskeyChangeOutcome> RemoveAsync(CersUser user, string id)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        return await scope.ServiceProvider.GetRequiredService<PasskeyRegistration>()
            .RemoveAsync((await users.FindByIdAsync(user.Id))!, id, CancellationToken.None);
    }

    private async Task<int> PasskeyCountAsync(CersUser user)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        return (await users.GetPasskeysAsync((await users.FindByIdAsync(user.Id))!)).Count;
    }
}
