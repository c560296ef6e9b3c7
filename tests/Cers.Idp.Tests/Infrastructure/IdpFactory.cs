using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Infrastructure;

/// <summary>
/// The real provider on real loopback HTTP (Kestrel), in Development, with its own SQLite file and
/// its own generated certificates in a fresh folder, so a test run never touches the developer's data.
/// Shared by the tests of a collection; <see cref="IdpHost"/> starts it.
/// </summary>
public sealed class IdpFactory : IdpHost
{
    public const string PortalClientId = "cers-business-portal";
    public const string PortalSecret = "development-only-portal-secret-8c1f2a9e5b7d4e6f";
    public const string PortalRedirectUri = "http://localhost:5003/signin-oidc";
    public const string PortalPostLogoutRedirectUri = "http://localhost:5003/signout-callback-oidc";
    public const string RegulatorClientId = "regulator-sacramento-emd";
    public const string RegulatorSecret = "development-only-regulator-secret-3d9b6c0a1e4f";
    public const string RegulatorAgencyCode = "SAC-EMD";

    public IdpFactory()
        : base(Directory.CreateTempSubdirectory("cers-idp-tests-").FullName, kestrel: true)
    {
        Start();
        BaseAddress = ClientOptions.BaseAddress;
    }

    /// <summary>The provider's address, e.g. http://127.0.0.1:41234/, which is also the token issuer.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Creates an active account directly through Identity, for tests that need their own user.</summary>
    public async Task<CersUser> CreateUserAsync(string password = "a long enough test password")
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var name = "u" + Guid.NewGuid().ToString("N")[..12];
        var user = new CersUser
        {
            UserName = name,
            Email = $"{name}@example.com",
            EmailConfirmed = true,
            FirstName = "Test",
            LastName = "User",
        };
        var result = await users.CreateAsync(user, password);
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A client with its own cookie jar that does not follow redirects, like a browser tab we can inspect.</summary>
    public HttpClient CreateBrowser() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new System.Net.CookieContainer(),
    })
    {
        BaseAddress = BaseAddress,
    };

    /// <summary>A plain back-channel client, as a relying party's server or a regulator's system uses.</summary>
    public HttpClient CreateBackChannel() => new() { BaseAddress = BaseAddress };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; the folder is under the temp directory.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class IdpCollection : ICollectionFixture<IdpFactory>
{
    public const string Name = "idp";
}
