using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Mfa;

/// <summary>Arranges accounts with an authenticator the way enrolment leaves them, through the provider's own UserManager.</summary>
internal static class MfaTestAccounts
{
    public const string Password = "a long enough test password";

    /// <summary>An active account with a fresh authenticator key and two-factor sign-in on; the key is registered with <see cref="TestAuthenticator"/>.</summary>
    public static async Task<(CersUser User, string Key)> EnrolAsync(IServiceProvider services, CersUser user, Uri? provider = null)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var current = (await users.FindByIdAsync(user.Id)).ShouldNotBeNull();
        (await users.ResetAuthenticatorKeyAsync(current)).Succeeded.ShouldBeTrue();
        (await users.SetTwoFactorEnabledAsync(current, true)).Succeeded.ShouldBeTrue();
        var key = (await users.GetAuthenticatorKeyAsync(current)).ShouldNotBeNull();
        if (provider is not null)
        {
            TestAuthenticator.Enrolled(provider, current.UserName!, key);
        }

        return (current, key);
    }

    public static async Task<CersUser> NewUserAsync(IServiceProvider services, string? agencyCode = null, string? role = null)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var name = "m" + Guid.NewGuid().ToString("N")[..12];
        var user = new CersUser
        {
            UserName = name,
            Email = name + "@example.com",
            EmailConfirmed = true,
            FirstName = "Mfa",
            LastName = "Tester",
            ProtectionPhrase = "quiet river",
            Status = AccountStatus.Active,
            RegisteredAt = DateTime.UtcNow,
            ActivatedAt = DateTime.UtcNow,
        };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        if (agencyCode is not null)
        {
            (await users.AddClaimsAsync(user, [new("role", "regulator"), new("cupa", agencyCode)])).Succeeded.ShouldBeTrue();
        }

        if (role is not null)
        {
            (await users.AddClaimAsync(user, new("role", role))).Succeeded.ShouldBeTrue();
        }

        return user;
    }
}

internal static class ProviderDatabase
{
    public static async Task<T> QueryAsync<T>(this IServiceProvider services, Func<Cers.Idp.Data.IdpDbContext, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<Cers.Idp.Data.IdpDbContext>());
    }
}
