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
    public const string PortalClientId = DevelopmentClients.PortalClientId;
    public const string PortalSecret = DevelopmentClients.PortalSecret;
    public const string PortalRedirectUri = DevelopmentClients.PortalRedirectUri;
    public const string PortalPostLogoutRedirectUri = DevelopmentClients.PortalPostLogoutRedirectUri;
    public const string RegulatorClientId = DevelopmentClients.RegulatorClientId;
    public const string RegulatorSecret = DevelopmentClients.RegulatorSecret;
    public const string RegulatorAgencyCode = DevelopmentClients.RegulatorAgencyCode;

    public IdpFactory()
        : this(new SmtpListener(), new LogoutReceiver())
    {
    }

    private IdpFactory(SmtpListener smtp, LogoutReceiver portalLogouts)
        : base(Directory.CreateTempSubdirectory("cers-idp-tests-").FullName, Settings(smtp, portalLogouts), kestrel: true)
    {
        Smtp = smtp;
        PortalLogouts = portalLogouts;
        Start();
    }

    private static Dictionary<string, string?> Settings(SmtpListener smtp, LogoutReceiver portalLogouts)
    {
        var settings = smtp.Settings().Concat(portalLogouts.Settings(0)).ToDictionary();

        // Tests resend at once; the per-account interval has a test of its own on a clock it controls.
        settings["Activation:ResendInterval"] = "00:00:00";
        return settings;
    }

    /// <summary>The SMTP server the provider sends its email to.</summary>
    public SmtpListener Smtp { get; }

    /// <summary>The portal client's back-channel logout endpoint: the logout tokens the provider sends the portal.</summary>
    public LogoutReceiver PortalLogouts { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await PortalLogouts.DisposeAsync();
        GC.SuppressFinalize(this);
    }

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
            ProtectionPhrase = Cers.Idp.SignIn.ProtectionPhrases.NewChoices()[0],
            Status = AccountStatus.Active,
            ActivatedAt = DateTime.UtcNow,
            RegisteredAt = DateTime.UtcNow,
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
