using System.Security.Claims;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Testing;

public static class ProviderAccounts
{
    /// <summary>
    /// An active account at the provider, made through its own UserManager (password hashed and checked
    /// by its policy); regulator staff of <paramref name="agencyCode"/> when given, as a CERS admin assigns
    /// them. Returns the account's id, its <c>sub</c>.
    /// </summary>
    public static async Task<string> UserIdOfAsync(this IdpHost idp, string userName)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>().FindByNameAsync(userName);
        return user?.Id ?? throw new InvalidOperationException($"The provider has no account {userName}.");
    }

    /// <summary>The ids of the account's live provider sessions (the <c>sid</c> of its ID tokens), oldest first.</summary>
    public static async Task<List<string>> SessionIdsOfAsync(this IdpHost idp, string userId)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Cers.Idp.Data.IdpDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.ProviderSessions.Where(s => s.UserId == userId).OrderBy(s => s.StartedAt).Select(s => s.Id));
    }

    public static async Task<string> CreateActiveAccountAsync(this IdpHost idp, string userName, string firstName, string lastName,
        string password, string protectionPhrase = "", string? agencyCode = null, string? phone = null, string? title = null)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var user = new CersUser
        {
            UserName = userName,
            Email = $"{userName}@example.com",
            EmailConfirmed = true,
            FirstName = firstName,
            LastName = lastName,
            ProtectionPhrase = protectionPhrase,
            Status = AccountStatus.Active,
            ActivatedAt = DateTime.UtcNow,
            RegisteredAt = DateTime.UtcNow,
            PhoneNumber = phone,
            Title = title,
        };
        Check(await users.CreateAsync(user, password));
        if (agencyCode is not null)
        {
            Check(await users.AddClaimsAsync(user, [new Claim("role", "regulator"), new Claim("cupa", agencyCode)]));
        }

        return user.Id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
