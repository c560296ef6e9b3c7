using Cers.Idp.Accounts;
using Cers.Idp.Mfa;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Mfa;

/// <summary>
/// Authenticator codes on the provider's fake clock, computed here with Otp.NET (not the provider's RFC 6238 code):
/// one step of drift either way, each step once.
/// </summary>
public sealed class AuthenticatorCodeTests
{
    [Fact]
    public async Task The_current_and_the_previous_step_are_accepted_and_two_steps_ago_is_refused()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var (user, key) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        var now = TestAuthenticator.StepAt(idp.Clock.GetUtcNow());

        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now - 2))).ShouldBeFalse();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now - 1))).ShouldBeTrue();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now))).ShouldBeTrue();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now + 2))).ShouldBeFalse();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now + 1))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_code_once_accepted_is_refused_when_replayed_and_so_is_an_earlier_one()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var (user, key) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        var now = TestAuthenticator.StepAt(idp.Clock.GetUtcNow());

        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now))).ShouldBeTrue();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now))).ShouldBeFalse();
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now - 1))).ShouldBeFalse();

        idp.Clock.Advance(TimeSpan.FromSeconds(30));
        (await VerifyAsync(idp, user, TestAuthenticator.CodeAt(key, now + 1))).ShouldBeTrue();
    }

    [Fact]
    public async Task Malformed_codes_are_refused_without_an_error()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        foreach (var code in new[] { "", "12345", "1234567", "abcdef", "\u0661\u0662\u0663\u0664\u0665\u0666", new string('1', 100_000) })
        {
            (await VerifyAsync(idp, user, code)).ShouldBeFalse(code.Length > 20 ? "a huge code" : code);
        }
    }

    [Fact]
    public async Task Recovery_codes_are_stored_hashed_and_each_works_once()
    {
        await using var idp = IsolatedIdp.Start();
        var (user, _) = await MfaTestAccounts.EnrolAsync(idp.Services, await MfaTestAccounts.NewUserAsync(idp.Services));
        List<string> codes;
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
            codes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(user.Id))!, 10))!];
        }

        codes.Count.ShouldBe(10);
        var rows = await idp.QueryAsync(db => db.UserTokens.Where(t => t.UserId == user.Id).ToListAsync());
        foreach (var code in codes)
        {
            rows.ShouldAllBe(row => row.Value == null || !row.Value.Contains(code, StringComparison.OrdinalIgnoreCase));
        }

        var stored = rows.Single(r => r.LoginProvider == RecoveryCodeStore.LoginProvider && r.Name == RecoveryCodeStore.HashesName).Value!;
        stored.Split(';').Length.ShouldBe(10);
        stored.ShouldContain(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(codes[0].ToUpperInvariant()))));

        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
            var current = (await users.FindByIdAsync(user.Id))!;
            (await users.RedeemTwoFactorRecoveryCodeAsync(current, codes[3])).Succeeded.ShouldBeTrue();
            (await users.RedeemTwoFactorRecoveryCodeAsync(current, codes[3])).Succeeded.ShouldBeFalse();
            (await users.RedeemTwoFactorRecoveryCodeAsync(current, "NOT-A-CODE")).Succeeded.ShouldBeFalse();
            (await users.CountRecoveryCodesAsync(current)).ShouldBe(9);
        }
    }

    private static async Task<bool> VerifyAsync(IsolatedIdp idp, CersUser user, string code)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var current = (await users.FindByIdAsync(user.Id))!;
        return await users.VerifyTwoFactorTokenAsync(current, users.Options.Tokens.AuthenticatorTokenProvider, code);
    }
}
