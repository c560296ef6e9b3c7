extern alias idp;

using System.Security.Claims;
using System.Text.Json;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using CersUser = idp::Cers.Idp.Accounts.CersUser;

namespace Cers.EndToEnd.Tests.Passkeys;

/// <summary>
/// The provider alone, real, on a loopback port known before it starts, opened in Debian's Chromium as
/// <c>http://localhost:port</c>: WebAuthn refuses IP addresses as relying-party ids, and <c>localhost</c> is a secure
/// context over plain HTTP. The provider's relying party is configured for exactly that origin. Each person gets a
/// browser context of their own with Chromium's virtual authenticator (DevTools WebAuthn domain): CTAP2, built in,
/// discoverable credentials, user verification that always succeeds.
/// </summary>
public sealed class PasskeyBrowserFixture : IAsyncLifetime, IDisposable
{
    public const string Password = "a long enough test password";

    private readonly TempDirectory _data = new("cers-e2e-passkeys-");
    private IPlaywright? _playwright;

    public SmtpListener Smtp { get; } = new();

    public IdpHost Idp { get; private set; } = null!;

    /// <summary>The provider as the browser addresses it: <c>http://localhost:port/</c>.</summary>
    public Uri Origin { get; private set; } = null!;

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
        Origin = new Uri($"http://localhost:{port}/");
        var settings = new Dictionary<string, string?>(Smtp.Settings())
        {
            ["Passkeys:RelyingPartyId"] = "localhost",
            ["Passkeys:Origins:0"] = $"http://localhost:{port}",
        };
        var host = new IdpHost(_data.Path, settings);
        host.UseKestrel(port);
        Idp = host.Start();

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            ChromiumSandbox = !Chromium.RunningAsRoot,
        });
    }

    /// <summary>A browser context of its own with one virtual authenticator on its page.</summary>
    public async Task<IPage> NewPersonWithAuthenticatorAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Origin.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var devTools = await context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return page;
    }

    public async Task<TestAccount> CreateAccountAsync(string firstName = "Pat", string lastName = "Keyholder")
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        var phrase = $"Seeded phrase of {firstName}";
        var id = await Idp.CreateActiveAccountAsync(name, firstName, lastName, Password, phrase);
        return new TestAccount(id, name, Password, $"{firstName} {lastName}", $"{name}@example.com", phrase);
    }

    /// <summary>The <c>amr</c> values of the provider's session cookie in this browser, read with the provider's own keys.</summary>
    public async Task<IReadOnlyList<string>> SessionMethodsAsync(IPage page)
    {
        var cookie = await CookieAsync(page, IdentityConstants.ApplicationScheme)
            ?? throw new InvalidOperationException("The browser holds no session cookie.");
        var ticket = CookieOptions(IdentityConstants.ApplicationScheme).TicketDataFormat.Unprotect(cookie)
            ?? throw new InvalidOperationException("The session cookie did not decrypt.");
        return [.. ticket.Principal.FindAll("amr").Select(c => c.Value)];
    }

    public async Task<bool> HasSessionAsync(IPage page) => await CookieAsync(page, IdentityConstants.ApplicationScheme) is not null;

    /// <summary>
    /// Puts in the browser the two-factor cookie Identity's SignInManager writes after a correct password when the
    /// account has a second factor (the account's id as its name and its security stamp), as the password step will.
    /// </summary>
    public async Task GivePasswordStepCookieAsync(IPage page, string userId)
    {
        await using var scope = Idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var identityOptions = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("No such account.");
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        identity.AddClaim(new Claim(identityOptions.ClaimsIdentity.SecurityStampClaimType, await users.GetSecurityStampAsync(user)));
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IssuedUtc = DateTimeOffset.UtcNow,
            ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(5),
        }, IdentityConstants.TwoFactorUserIdScheme);
        var options = CookieOptions(IdentityConstants.TwoFactorUserIdScheme);
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = options.Cookie.Name!,
            Value = options.TicketDataFormat.Protect(ticket),
            Url = Origin.ToString(),
            HttpOnly = true,
        }]);
    }

    /// <summary>The options of the sign-in page's WebAuthn request, as the page hands them to the browser.</summary>
    public static async Task<JsonElement> RequestOptionsAsync(IPage page) =>
        JsonDocument.Parse(await page.Locator("form[data-passkey]").GetAttributeAsync("data-options") ?? "{}").RootElement.Clone();

    private async Task<string?> CookieAsync(IPage page, string scheme)
    {
        var name = CookieOptions(scheme).Cookie.Name;
        return (await page.Context.CookiesAsync([Origin.ToString()])).FirstOrDefault(c => c.Name == name)?.Value;
    }

    private CookieAuthenticationOptions CookieOptions(string scheme) =>
        Idp.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(scheme);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }

        await Smtp.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PasskeyBrowserCollection : ICollectionFixture<PasskeyBrowserFixture>
{
    public const string Name = "passkeys-in-the-browser";
}
