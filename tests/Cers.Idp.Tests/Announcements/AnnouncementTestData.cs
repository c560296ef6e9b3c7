using System.Security.Claims;
using Cers.Idp.Accounts;
using Cers.Idp.Announcements;
using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Announcements;

/// <summary>Notices and admins arranged straight through the provider's services; every title unique to the test.</summary>
public static class AnnouncementTestData
{
    public const string Password = "a long enough test password";

    public static string UniqueTitle(string what) => $"{what} {Guid.NewGuid():N}";

    public static async Task<Announcement> InsertAsync(IdpFactory idp, AnnouncementKind kind, string title, DateTime startsAt, DateTime endsAt, string text = "Notice text.")
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var announcement = new Announcement { Kind = kind, Title = title, Text = text, StartsAt = startsAt, EndsAt = endsAt };
        db.Announcements.Add(announcement);
        await db.SaveChangesAsync();
        return announcement;
    }

    public static async Task<Announcement?> FindByTitleAsync(IdpFactory idp, string title)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Announcements.AsNoTracking().SingleOrDefaultAsync(a => a.Title == title);
    }

    /// <summary>Notices whose title or text contains <paramref name="marker"/>.</summary>
    public static async Task<int> CountContainingAsync(IdpFactory idp, string marker)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().Announcements.CountAsync(a => a.Title.Contains(marker) || a.Text.Contains(marker));
    }

    public static async Task<string[]> AuditDetailsAsync(IdpFactory idp, string subjectId, string kind)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().AuditEvents
            .Where(e => e.SubjectId == subjectId && e.Kind == kind)
            .OrderBy(e => e.Id)
            .Select(e => e.Detail!)
            .ToArrayAsync();
    }

    /// <summary>A new active account with <c>role=cers-admin</c>.</summary>
    public static async Task<CersUser> CreateAdminAsync(IdpFactory idp)
    {
        var user = await idp.CreateUserAsync(Password);
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var granted = await users.AddClaimAsync((await users.FindByIdAsync(user.Id))!,
            new Claim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Role, CersRoles.CersAdmin));
        granted.Succeeded.ShouldBeTrue();
        return user;
    }

    /// <summary>
    /// A browser tab signed in as <paramref name="user"/> through the real pages, with a second factor (enrolled on the
    /// way the first time), as the admin pages require.
    /// </summary>
    public static async Task<HttpClient> SignedInBrowserAsync(IdpFactory idp, CersUser user)
    {
        var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(browser, user.UserName!, Password);
        return browser;
    }
}
