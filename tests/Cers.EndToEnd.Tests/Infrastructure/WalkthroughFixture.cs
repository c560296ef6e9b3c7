extern alias idp;
extern alias api;

using Cers.BusinessPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using FacilityDbContext = api::Cers.FacilityApi.Data.FacilityDbContext;
using FacilityRegistration = api::Cers.FacilityApi.Facilities.FacilityRegistration;
using Membership = api::Cers.FacilityApi.Memberships.Membership;
using MembershipRole = api::Cers.FacilityApi.Memberships.MembershipRole;
using MembershipStatus = api::Cers.FacilityApi.Memberships.MembershipStatus;
using NewFacility = api::Cers.FacilityApi.Facilities.NewFacility;

namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>A provider account a test made for itself, with the protection phrase the sign-in page must show.</summary>
public sealed record TestAccount(string Id, string UserName, string Password, string DisplayName, string Email, string ProtectionPhrase);

/// <summary>A facility a test seeded, with the street number a search by number alone finds it by.</summary>
public sealed record SeededFacility(string BusinessName, string FacilityName, string StreetNumber, string OrganizationCode, int CersId);

/// <summary>
/// The provider, the facility API and the Business Portal, all real, on loopback HTTP with fresh
/// databases and one real SMTP listener (the hosts of Cers.BusinessPortal.Tests), and one headless
/// Debian Chromium driven by Playwright. The provider's CERS Central links to the portal
/// (<c>BusinessPortal:Url</c>), as in a deployment. Without Chromium nothing starts, so skipped tests
/// cost nothing; with <c>CI=true</c> its absence fails every test with how to install it.
/// </summary>
public sealed class WalkthroughFixture : IAsyncLifetime, IDisposable
{
    public const string Password = "a long enough test password";

    /// <summary>The secret of the facility API's jobs dashboard client at the provider (<c>cers-facility-jobs</c>).</summary>
    private const string JobsDashboardSecret = "e2e-jobs-dashboard-secret-5c1d9a7e3b";

    private readonly TempDirectory _data = new("cers-e2e-");
    private IPlaywright? _playwright;

    public SmtpListener Smtp { get; } = new();

    public IdpHost Idp { get; private set; } = null!;

    public ApiHost Api { get; private set; } = null!;

    public PortalHost Portal { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled)
        {
            if (Chromium.IsRequired)
            {
                throw new InvalidOperationException(Chromium.MissingMessage + " CI=true requires the browser tests to run.");
            }

            return;
        }

        var port = Loopback.FreePort();
        var portal = new Uri($"http://127.0.0.1:{port}/");
        var apiPort = Loopback.FreePort();
        var settings = new Dictionary<string, string?>(Smtp.Settings())
        {
            ["Oidc:Clients:0:RedirectUris:0"] = new Uri(portal, "signin-oidc").ToString(),
            ["Oidc:Clients:0:PostLogoutRedirectUris:0"] = new Uri(portal, "signout-callback-oidc").ToString(),
            ["Oidc:Clients:2:ClientSecret"] = JobsDashboardSecret,
            ["Oidc:Clients:2:RedirectUris:0"] = $"http://127.0.0.1:{apiPort}/jobs/signin-oidc",
            ["Oidc:Clients:0:BackChannelLogoutUri"] = new Uri(portal, "signout-backchannel").ToString(),
            ["Oidc:Clients:2:BackChannelLogoutUri"] = $"http://127.0.0.1:{apiPort}/jobs/backchannel-logout",
            ["LogoutDelivery:FirstRetryDelay"] = "00:00:01",
            ["LogoutDelivery:MaxRetryDelay"] = "00:00:02",
            ["BusinessPortal:Url"] = portal.ToString(),
        };
        Idp = new IdpHost(_data.Path, settings, kestrel: true).Start();
        Api = new ApiHost(Idp.BaseAddress, Path.Combine(_data.Path, "facility-api"),
            [.. Smtp.Settings(), new("JobsDashboard:ClientSecret", JobsDashboardSecret), new("AccessRequests:PortalUrl", portal.ToString())], apiPort);
        Portal = new PortalHost(port, Idp.BaseAddress, Api.BaseAddress, TimeProvider.System);

        // Generous waits: CI runs the other test projects beside this one on two cores.
        Assertions.SetDefaultExpectTimeout(15_000);

        // The driver is the Node.js build inside the Microsoft.Playwright package; given an executable,
        // it never looks for (or downloads) a browser of its own.
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            // false is Playwright's --no-sandbox: Chromium's sandbox refuses to start as root.
            ChromiumSandbox = !Chromium.RunningAsRoot,
        });
    }

    /// <summary>An active account with <c>role=cers-admin</c>, as the help desk's staff have.</summary>
    public async Task<TestAccount> CreateCersAdminAsync()
    {
        var admin = await CreateAccountAsync("Casey", "Helpdesk");
        await using var scope = Idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<idp::Cers.Idp.Accounts.CersUser>>();
        var user = await users.FindByIdAsync(admin.Id) ?? throw new InvalidOperationException("The account just made is gone.");
        var added = await users.AddClaimAsync(user, new System.Security.Claims.Claim("role", "cers-admin"));
        if (!added.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", added.Errors.Select(e => e.Description)));
        }

        return admin;
    }

    /// <summary>A browser context of its own (its own cookies), as a second person at another computer.</summary>
    public async Task<IPage> NewPersonAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>An active account at the provider; a regulator of <paramref name="agencyCode"/> when given.</summary>
    public async Task<TestAccount> CreateAccountAsync(string firstName, string lastName, string? agencyCode = null)
    {
        var name = "e" + Guid.NewGuid().ToString("N")[..12];
        var phrase = $"Seeded phrase of {firstName}";
        var id = await Idp.CreateActiveAccountAsync(name, firstName, lastName, Password, phrase, agencyCode);
        return new TestAccount(id, name, Password, $"{firstName} {lastName}", $"{name}@example.com", phrase);
    }

    /// <summary>
    /// A business with one facility in Sacramento (regulated by SAC-EMD), written through the API's own
    /// registration service; with <paramref name="leadUser"/> as its active Lead User when given, else
    /// with no member at all, as businesses imported from the old system are.
    /// </summary>
    public async Task<SeededFacility> SeedFacilityAsync(string businessName, TestAccount? leadUser)
    {
        var number = UniqueNames.Number();
        var facilityName = businessName + " Yard";
        await using var scope = Api.Services.CreateAsyncScope();
        var registration = scope.ServiceProvider.GetRequiredService<FacilityRegistration>();
        var business = await registration.RegisterBusinessAsync(businessName, CancellationToken.None);
        var facility = await registration.RegisterFacilityAsync(business.Id,
            new NewFacility(facilityName, $"{number} {UniqueNames.Word()} St", "Sacramento", "95814", "Sacramento"),
            CancellationToken.None);
        if (leadUser is not null)
        {
            var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
            db.Memberships.Add(new Membership
            {
                UserSubject = leadUser.Id,
                UserName = leadUser.DisplayName,
                Email = leadUser.Email,
                BusinessId = business.Id,
                Role = MembershipRole.LeadUser,
                Status = MembershipStatus.Active,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
                Version = 1,
            });
            await db.SaveChangesAsync();
        }

        return new SeededFacility(businessName, facilityName, number, business.OrganizationCode, facility.CersId);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }

        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }

        await Smtp.DisposeAsync();
    }

    /// <summary>After <see cref="DisposeAsync"/>: the data folder, once nothing holds its files.</summary>
    public void Dispose() => _data.Dispose();
}

[CollectionDefinition(Name)]
public sealed class WalkthroughCollection : ICollectionFixture<WalkthroughFixture>
{
    public const string Name = "walkthrough";
}
